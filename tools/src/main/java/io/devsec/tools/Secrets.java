package io.devsec.tools;

import java.io.Console;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import picocli.CommandLine;

/**
 * Where a secret (passphrase, PIN) comes from: an environment variable named by an option, one line
 * of standard input, or an interactive prompt on the terminal. Never from a command-line argument,
 * which other users can read in the process list and which lands in shell history.
 */
public final class Secrets {
    private Secrets() {
    }

    /** The longest secret line read from standard input. */
    static final int MAX_LINE = 4096;

    /**
     * Reads one secret.
     *
     * @param cl the command, for usage errors
     * @param what what is asked for, e.g. "passphrase for root-a.key"
     * @param envName environment variable to read, or null
     * @param fromStdin read one line of standard input
     * @param confirm on a terminal, ask twice and compare (for a new passphrase)
     * @return the secret; the caller wipes it
     * @throws CommandLine.ParameterException when no source is given and there is no terminal, the variable
     *     is unset or empty, or standard input is at its end
     */
    public static char[] read(CommandLine cl, String what, String envName, boolean fromStdin, boolean confirm) {
        if (envName != null) {
            String v = System.getenv(envName);
            if (v == null || v.isEmpty()) {
                throw new CommandLine.ParameterException(cl, "the environment variable " + envName + " (" + what
                        + ") is not set or empty");
            }
            return v.toCharArray();
        }
        if (fromStdin) {
            try {
                char[] line = readLine(System.in);
                if (line == null) {
                    throw new CommandLine.ParameterException(cl, "standard input ended before the " + what);
                }
                return line;
            } catch (IOException e) {
                throw new CommandLine.ParameterException(cl, "cannot read the " + what + " from standard input: "
                        + e.getMessage());
            }
        }
        Console console = System.console();
        if (console == null || !Terminal.interactive()) {
            throw new CommandLine.ParameterException(cl, "no terminal to ask for the " + what
                    + ": give it on standard input or in an environment variable (see --help)");
        }
        while (true) {
            char[] first = console.readPassword("%s: ", what);
            if (first == null) {
                throw new CommandLine.ParameterException(cl, "no " + what + " given");
            }
            if (!confirm) {
                return first;
            }
            char[] second = console.readPassword("%s (again): ", what);
            boolean same = second != null && Arrays.equals(first, second);
            if (second != null) {
                Arrays.fill(second, '\0');
            }
            if (same) {
                return first;
            }
            Arrays.fill(first, '\0');
            console.printf("The two entries differ; try again.%n");
        }
    }

    /**
     * Reads one line (UTF-8, without its {@code \n} or {@code \r\n}) byte by byte, so that nothing past the
     * line is consumed and a second secret can follow on the next line.
     */
    static char[] readLine(InputStream in) throws IOException {
        byte[] raw = new byte[MAX_LINE];
        int len = 0;
        int b;
        boolean any = false;
        try {
            while ((b = in.read()) != -1) {
                any = true;
                if (b == '\n') {
                    break;
                }
                if (len == MAX_LINE) {
                    throw new IOException("line longer than " + MAX_LINE + " bytes");
                }
                raw[len++] = (byte) b;
            }
        } catch (IOException e) {
            Arrays.fill(raw, (byte) 0);
            throw e;
        }
        if (!any) {
            return null;
        }
        if (len > 0 && raw[len - 1] == '\r') {
            len--;
        }
        try {
            CharBuffer chars = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(raw, 0, len));
            char[] out = new char[chars.remaining()];
            chars.get(out);
            Arrays.fill(chars.array(), '\0');
            return out;
        } catch (CharacterCodingException e) {
            throw new IOException("not UTF-8");
        } finally {
            Arrays.fill(raw, (byte) 0);
        }
    }
}
