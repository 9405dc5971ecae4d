namespace AmqpBroker.Storage.Messages;

/// <summary>
/// The length field of a record being read back, checked before it sizes a buffer or a slice: a damaged field
/// becomes the <see cref="InvalidDataException"/> a queue skips the message on, not an out-of-range error or a
/// huge allocation.
/// </summary>
internal static class RecordLength
{
    /// <summary>
    /// <paramref name="length"/>, the payload length of the record at <paramref name="offset"/>, when the record
    /// (<paramref name="headerSize"/> bytes and the payload) fits in the <paramref name="room"/> bytes from there.
    /// </summary>
    public static int Checked(int length, int headerSize, long room, long offset) =>
        length >= 0 && headerSize + (long)length <= room
            ? length
            : throw new InvalidDataException($"the record at offset {offset} claims {length} bytes, which do not fit in the {room} bytes from there");
}
