package io.devsec.transport.internal;

import java.nio.Buffer;
import java.nio.ByteBuffer;
import java.util.zip.Checksum;

/**
 * CRC-32C (Castagnoli, reflected polynomial {@code 0x82F63B78}) in pure Java: the same values as
 * {@code java.util.zip.CRC32C}, which Android only has from API 34. The outbox journal's record checksums
 * use it, so journals written before and after this class stay readable (no format change).
 *
 * <p>Slicing-by-8 over eight 256-entry tables; not thread-safe (one instance per computation).
 */
public final class Crc32c implements Checksum {

    private static final int POLY = 0x82F63B78;
    private static final int[][] T = new int[8][256];

    static {
        for (int n = 0; n < 256; n++) {
            int c = n;
            for (int k = 0; k < 8; k++) {
                c = (c & 1) != 0 ? (c >>> 1) ^ POLY : c >>> 1;
            }
            T[0][n] = c;
        }
        for (int n = 0; n < 256; n++) {
            int c = T[0][n];
            for (int t = 1; t < 8; t++) {
                c = T[0][c & 0xff] ^ (c >>> 8);
                T[t][n] = c;
            }
        }
    }

    private int crc = 0xFFFFFFFF;

    @Override
    public void update(int b) {
        crc = T[0][(crc ^ b) & 0xff] ^ (crc >>> 8);
    }

    @Override
    public void update(byte[] b, int off, int len) {
        if (off < 0 || len < 0 || off > b.length - len) {
            throw new ArrayIndexOutOfBoundsException("off " + off + ", len " + len + ", length " + b.length);
        }
        int c = crc;
        int i = off;
        int end = off + len;
        while (end - i >= 8) {
            int lo = c ^ ((b[i] & 0xff) | (b[i + 1] & 0xff) << 8 | (b[i + 2] & 0xff) << 16 | (b[i + 3] & 0xff) << 24);
            c = T[7][lo & 0xff] ^ T[6][(lo >>> 8) & 0xff] ^ T[5][(lo >>> 16) & 0xff] ^ T[4][lo >>> 24]
                    ^ T[3][b[i + 4] & 0xff] ^ T[2][b[i + 5] & 0xff] ^ T[1][b[i + 6] & 0xff] ^ T[0][b[i + 7] & 0xff];
            i += 8;
        }
        while (i < end) {
            c = T[0][(c ^ b[i++]) & 0xff] ^ (c >>> 8);
        }
        crc = c;
    }

    /**
     * Adds the buffer's remaining bytes and moves its position to its limit.
     *
     * @param buf the bytes to add
     */
    public void update(ByteBuffer buf) {
        if (buf.hasArray()) {
            int pos = buf.position();
            int n = buf.remaining();
            update(buf.array(), buf.arrayOffset() + pos, n);
            ((Buffer) buf).position(pos + n);
        } else {
            byte[] chunk = new byte[Math.min(buf.remaining(), 4096)];
            while (buf.hasRemaining()) {
                int n = Math.min(chunk.length, buf.remaining());
                buf.get(chunk, 0, n);
                update(chunk, 0, n);
            }
        }
    }

    @Override
    public long getValue() {
        return (~crc) & 0xFFFFFFFFL;
    }

    @Override
    public void reset() {
        crc = 0xFFFFFFFF;
    }
}
