package io.devsec.update;

import java.nio.file.FileSystemException;

/**
 * A slot folder or image file is a symbolic link: it could point outside the slots, so it is
 * neither read nor written.
 */
public final class SlotLinkException extends FileSystemException {
    private static final long serialVersionUID = 1L;

    /**
     * @param path the slot folder or image file that is a symbolic link
     */
    public SlotLinkException(String path) {
        super(path, null, "is a symbolic link; slot files are never opened through a link");
    }
}
