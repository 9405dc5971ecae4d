namespace AmqpBroker.Protocol.Framing;

/// <summary>
/// The byte stream is not a valid sequence of frames (bad end octet, unknown frame type, a frame larger
/// than the negotiated frame_max). Always a connection error: 501 FRAME_ERROR.
/// </summary>
public sealed class FrameFormatException(string message) : Exception(message);
