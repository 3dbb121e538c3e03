package dev.hauberk.e2e;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The behaviours the end-to-end tests perform, each as a child process of the test JVM. */
final class Behaviours {

    private Behaviours() {
    }

    /** Result of one behaviour: the pid of the process that exec'd, and its exit status. */
    record Run(long pid, int exitStatus) {
    }

    static Run run(List<String> command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("behaviour did not finish: " + command);
        }
        return new Run(process.pid(), process.exitValue());
    }

    /** Copies /bin/true into dir under name and executes it. */
    static Run execCopyOfTrue(Path dir, String name) throws IOException, InterruptedException {
        Path copy = dir.resolve(name);
        Files.copy(Path.of("/bin/true"), copy, StandardCopyOption.REPLACE_EXISTING);
        Files.setPosixFilePermissions(copy, PosixFilePermissions.fromString("rwxr-xr-x"));
        try {
            return run(List.of(copy.toString()));
        } finally {
            Files.deleteIfExists(copy);
        }
    }

    /**
     * Fileless execution: perl (always present on Debian, as perl-base is essential) copies
     * /bin/true into a memfd named name and execs it through /proc/self/fd/N.
     */
    static Run execMemfd(String name) throws IOException, InterruptedException {
        String syscall = "aarch64".equals(System.getProperty("os.arch")) ? "279" : "319";
        String script = """
                my $name = "%s";
                my $fd = syscall(%s, $name, 0);
                die "memfd_create: $!" if $fd < 0;
                open(my $src, "<:raw", "/bin/true") or die "open: $!";
                local $/; my $image = <$src>;
                open(my $dst, ">&=", $fd) or die "fdopen: $!";
                binmode $dst; syswrite($dst, $image) == length($image) or die "write: $!";
                exec { "/proc/self/fd/$fd" } "%s" or die "exec: $!";
                """.formatted(name, syscall, name);
        return run(List.of("perl", "-e", script));
    }

    /**
     * Executes a binary whose file was unlinked first: the shell opens a copy of /bin/true
     * on fd 3, removes it, then execs it through /proc/self/fd/3.
     */
    static Run execDeletedFile(Path dir, String name) throws IOException, InterruptedException {
        Path copy = dir.resolve(name);
        Files.copy(Path.of("/bin/true"), copy, StandardCopyOption.REPLACE_EXISTING);
        Files.setPosixFilePermissions(copy, PosixFilePermissions.fromString("rwx------"));
        return run(List.of("/bin/sh", "-c", "exec 3<\"$1\" && rm -f \"$1\" && exec /proc/self/fd/3", "sh", copy.toString()));
    }
}
