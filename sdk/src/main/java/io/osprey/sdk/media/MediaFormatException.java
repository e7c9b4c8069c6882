package io.osprey.sdk.media;

import java.io.IOException;

/** A media file or payload that does not follow its format (bad magic, truncated, over a limit). */
public class MediaFormatException extends IOException {
  private static final long serialVersionUID = 1L;

  public MediaFormatException(String message) {
    super(message);
  }
}
