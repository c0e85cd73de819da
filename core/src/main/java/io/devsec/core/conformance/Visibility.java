package io.devsec.core.conformance;

/** Where a mechanism can be seen, which decides what {@code devsec report} can tell from a data folder alone. */
public enum Visibility {
    /** Stored in the data folder (keystore entries, files): the same offline and in the running application. */
    DATA_FOLDER,
    /** From the configuration file the application passes to the builder: the same offline when it is given. */
    CONFIGURATION,
    /** Only in the running application's process (live connections, schedules, listeners, sockets). */
    PROCESS
}
