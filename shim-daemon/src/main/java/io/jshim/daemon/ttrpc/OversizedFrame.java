package io.jshim.daemon.ttrpc;

/**
 * What the decoder reports in place of a frame whose data exceeds {@link Frame#MAX_DATA}: its bytes are
 * skipped, the connection goes on.
 *
 * @param streamId the stream the frame was on
 * @param type the frame's type
 * @param length the data length the header announced
 */
record OversizedFrame(int streamId, int type, long length) {
}
