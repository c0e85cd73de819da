package io.devsec.update;

import java.io.InputStream;
import java.security.MessageDigest;

/** A deterministic pseudo-random stream of a given length, generated on the fly (no disk, no heap). */
final class PatternStream extends InputStream {
    private final long length;
    private long pos;
    private long state = 0x9E3779B97F4A7C15L;

    PatternStream(long length) {
        this.length = length;
    }

    @Override
    public int read() {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) {
        if (pos >= length) {
            return -1;
        }
        int n = (int) Math.min(len, length - pos);
        for (int i = 0; i < n; i++) {
            if (((pos + i) & 7) == 0) {
                state ^= state << 13;
                state ^= state >>> 7;
                state ^= state << 17;
            }
            b[off + i] = (byte) (state >>> (((pos + i) & 7) * 8));
        }
        pos += n;
        return n;
    }

    static byte[] sha256(long length) throws Exception {
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        byte[] buf = new byte[1 << 16];
        try (PatternStream s = new PatternStream(length)) {
            int n;
            while ((n = s.read(buf, 0, buf.length)) > 0) {
                md.update(buf, 0, n);
            }
        }
        return md.digest();
    }
}
