package dev.hauberk.event;

import java.util.Set;

/**
 * The parent of a detected process; exe is null when the kernel had no table entry
 * for it (a parent that exited, or started before the daemon and was never seen).
 */
public record ParentInfo(int tgid, long execId, String exe, Set<ProcessFlag> flags) {
}
