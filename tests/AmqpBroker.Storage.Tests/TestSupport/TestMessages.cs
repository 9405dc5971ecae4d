using AmqpBroker.Core.Messages;

namespace AmqpBroker.Storage.Tests.TestSupport;

/// <summary>Messages as the store sees them.</summary>
internal static class TestMessages
{
    /// <summary>Raw content properties with only delivery-mode 2 (persistent).</summary>
    public static byte[] PersistentProperties => [0x10, 0x00, 0x02];

    public static Message Persistent(ReadOnlySpan<byte> body, string routingKey = "q") => Message.Create(string.Empty, routingKey, PersistentProperties, body);
}
