using System.Globalization;

namespace AmqpBroker.InteropTests.Durability;

/// <summary>
/// The content of a crash-test message follows from its id alone, so whatever the broker hands out
/// before or after a crash can be checked byte for byte against what its publisher sent.
/// </summary>
internal static class CrashMessage
{
    // Above the broker's default frame_max (131072): such messages span several body frames and log buffers.
    private const int LargeSize = 150_000;
    private const int LargeEvery = 499;
    private const int MaxSmallSize = 2048;

    public static string Id(string publisher, long number) => string.Create(CultureInfo.InvariantCulture, $"{publisher}-{number}");

    public static BasicProperties Properties(string id) => new() { MessageId = id, DeliveryMode = DeliveryModes.Persistent };

    public static byte[] Body(string id)
    {
        var hash = StableHash(id);
        var body = new byte[hash % LargeEvery == 0 ? LargeSize : (int)(hash % MaxSmallSize)];
        for (var i = 0; i < body.Length; i++)
        {
            body[i] = (byte)((hash >> (i % 4 * 8)) ^ (uint)i);
        }

        return body;
    }

    /// <summary>What is wrong with a delivery that should be a crash-test message, or null when nothing is.</summary>
    public static string? Defect(IReadOnlyBasicProperties properties, ReadOnlySpan<byte> body)
    {
        if (properties.MessageId is not { Length: > 0 } id)
        {
            return $"a message without a message id ({body.Length} bytes)";
        }

        if (properties.DeliveryMode != DeliveryModes.Persistent)
        {
            return $"{id} has delivery mode {properties.DeliveryMode}";
        }

        var expected = Body(id);
        return body.SequenceEqual(expected) ? null : $"{id} has a body of {body.Length} bytes that differs from the {expected.Length} sent";
    }

    // FNV-1a: string.GetHashCode differs between processes, and a failure must be reproducible from the seed.
    private static uint StableHash(string id)
    {
        var hash = 2166136261u;
        foreach (var b in Encoding.UTF8.GetBytes(id))
        {
            hash = (hash ^ b) * 16777619u;
        }

        return hash;
    }
}
