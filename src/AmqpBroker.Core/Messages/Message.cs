using System.Buffers;
using System.Numerics;
using AmqpBroker.Protocol.Content;

namespace AmqpBroker.Core.Messages;

/// <summary>
/// A published message: routing data plus one buffer holding the raw content properties followed by the body,
/// pooled unless small. Every queue the message reaches shares the same instance; the buffer goes back to the
/// pool when the last holder (queue entry, unacked delivery, pending write) releases it. The pool hands out
/// powers of two, so a body of 4 KiB or 64 KiB with its properties in front would take twice its size: such a
/// body has a buffer of its own and the properties a small one (<see cref="KeepsPropertiesApart"/>).
/// </summary>
public sealed class Message
{
    /// <summary>Body bytes reserved before any arrive: one body frame at the default frame_max (131072).</summary>
    internal const int InitialBodyCapacity = 128 * 1024;

    /// <summary>Buffers from this size on come from the pool; smaller ones are allocated (<see cref="RentOrAllocate"/>).</summary>
    internal const int PooledMinSize = 512;

    /// <summary>Bodies below this always share one buffer with their properties: a second rent would cost more than it saves.</summary>
    internal const int SeparatePropertiesMinBody = 1024;

    private byte[]? _buffer;
    private byte[]? _separateProperties;
    private readonly int _propertiesLength;
    private int _bodyWritten;
    private int _references = 1;

    /// <summary>
    /// A message whose body arrives later through <see cref="TryAppendBody"/>. Only what one body frame can
    /// carry is reserved up front; the buffer grows as body frames arrive, so an announced size costs
    /// nothing until its bytes are sent.
    /// </summary>
    public Message(string exchange, string routingKey, ReadOnlySpan<byte> properties, ContentSummary summary, int bodySize)
        : this(exchange, routingKey, properties, summary, bodySize, Math.Min(bodySize, InitialBodyCapacity))
    {
    }

    private Message(string exchange, string routingKey, ReadOnlySpan<byte> properties, ContentSummary summary, int bodySize, int bodyCapacity)
    {
        Exchange = exchange;
        RoutingKey = routingKey;
        Summary = summary;
        BodySize = bodySize;
        _propertiesLength = properties.Length;
        if (KeepsPropertiesApart(properties.Length, bodySize))
        {
            _separateProperties = RentOrAllocate(properties.Length);
            properties.CopyTo(_separateProperties);
            _buffer = RentOrAllocate(bodyCapacity);
        }
        else
        {
            _buffer = RentOrAllocate(properties.Length + bodyCapacity);
            properties.CopyTo(_buffer);
        }
    }

    /// <summary>
    /// A small buffer is allocated at its exact size: for a few dozen bytes the pool's per-thread lookup on rent and
    /// return costs more than the allocation, and the pool would round it up to a power of two.
    /// </summary>
    private static byte[] RentOrAllocate(int size) => size < PooledMinSize ? new byte[size] : ArrayPool<byte>.Shared.Rent(size);

    /// <summary>Gives a rented buffer back; one below <see cref="PooledMinSize"/> was allocated and is left to the GC.</summary>
    private static void ReturnIfRented(byte[] buffer)
    {
        if (buffer.Length >= PooledMinSize)
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>
    /// True when the properties in front of a body of <paramref name="bodySize"/> bytes would double the power of
    /// two the pool rounds the buffer up to (a body of 4 KiB plus 20 bytes of properties rents 8 KiB).
    /// </summary>
    internal static bool KeepsPropertiesApart(int propertiesLength, int bodySize) =>
        bodySize >= SeparatePropertiesMinBody && propertiesLength > 0
        && BitOperations.RoundUpToPowerOf2((uint)(bodySize + propertiesLength)) > BitOperations.RoundUpToPowerOf2((uint)bodySize);

    /// <summary>A complete message with the given properties and a copy of <paramref name="body"/>.</summary>
    public static Message Create(string exchange, string routingKey, ReadOnlySpan<byte> properties, ReadOnlySpan<byte> body)
    {
        var message = new Message(exchange, routingKey, properties, ContentSummary.Read(properties), body.Length, body.Length);
        body.CopyTo(message.Buffer.AsSpan(message.BodyOffset));
        message._bodyWritten = body.Length;
        return message;
    }

    public string Exchange { get; }

    public string RoutingKey { get; }

    public ContentSummary Summary { get; }

    public int BodySize { get; }

    public bool IsComplete => _bodyWritten == BodySize;

    public ReadOnlySpan<byte> Properties
    {
        get
        {
            var buffer = Buffer; // throws once released, like the body
            return (_separateProperties ?? buffer).AsSpan(0, _propertiesLength);
        }
    }

    public ReadOnlySpan<byte> Body => Buffer.AsSpan(BodyOffset, BodySize);

    /// <summary>What the message's buffers take (their lengths).</summary>
    internal int BufferBytes => (_buffer?.Length ?? 0) + (_separateProperties?.Length ?? 0);

    /// <summary>Where the body starts in <see cref="Buffer"/>: after the properties unless they are kept apart.</summary>
    private int BodyOffset => _separateProperties is null ? _propertiesLength : 0;

    /// <summary>Properties plus body: what a message costs in memory.</summary>
    public int Size => _propertiesLength + BodySize;

    private byte[] Buffer => _buffer ?? throw new ObjectDisposedException(nameof(Message));

    /// <summary>Appends a body frame's bytes; returns false when they overrun the declared body size.</summary>
    public bool TryAppendBody(ReadOnlySequence<byte> chunk)
    {
        if (chunk.Length > BodySize - _bodyWritten)
        {
            return false;
        }

        var end = BodyOffset + _bodyWritten + (int)chunk.Length;
        if (end > Buffer.Length)
        {
            Grow(end);
        }

        chunk.CopyTo(Buffer.AsSpan(BodyOffset + _bodyWritten));
        _bodyWritten += (int)chunk.Length;
        return true;
    }

    /// <summary>Doubles the buffer (at least to <paramref name="needed"/>, at most to the whole message).</summary>
    private void Grow(int needed)
    {
        var old = Buffer;
        var size = Math.Clamp((long)old.Length * 2, needed, BodyOffset + (long)BodySize);
        var grown = ArrayPool<byte>.Shared.Rent((int)size);
        old.AsSpan(0, BodyOffset + _bodyWritten).CopyTo(grown);
        _buffer = grown;
        ReturnIfRented(old);
    }

    public void AddReference() => Interlocked.Increment(ref _references);

    public void Release()
    {
        if (Interlocked.Decrement(ref _references) == 0)
        {
            var buffer = Interlocked.Exchange(ref _buffer, null);
            if (buffer is not null)
            {
                ReturnIfRented(buffer);
                if (_separateProperties is { } properties)
                {
                    ReturnIfRented(properties);
                }
            }
        }
    }
}
