package dev.hauberk.sink;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;

/** Short descriptions of IO errors for messages that already name the file. */
final class IoErrors {

    private IoErrors() {
    }

    /**
     * Describes an error without repeating its file: the operating system's reason when there
     * is one ("No space left on device"), otherwise the kind of error.
     */
    static String describe(IOException e) {
        if (e instanceof NoSuchFileException) {
            return "no such file or directory";
        }
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof FileAlreadyExistsException) {
            return e.getMessage() + " already exists";
        }
        if (e instanceof FileSystemException fileSystemError && fileSystemError.getReason() != null) {
            return fileSystemError.getReason();
        }
        String message = e.getMessage();
        return message == null || message.isBlank() ? e.getClass().getSimpleName() : message;
    }
}
