using AmqpBroker.Protocol.Encoding;
using AmqpBroker.Protocol.Methods;

namespace AmqpBroker.Protocol.Tests.TestSupport;

/// <summary>Encodes and decodes a method's arguments, checking the size bookkeeping on the way.</summary>
internal static class MethodCodec
{
    public static byte[] Encode<T>(in T method) where T : struct, IAmqpMethod<T>
    {
        var bytes = new byte[method.ArgumentsSize];
        var writer = new AmqpWriter(bytes);
        method.WriteArguments(ref writer);
        Assert.That(writer.Position, Is.EqualTo(bytes.Length), $"{typeof(T).Name}.ArgumentsSize differs from what WriteArguments wrote");
        return bytes;
    }

    public static T Decode<T>(byte[] bytes) where T : struct, IAmqpMethod<T>
    {
        var reader = new AmqpReader(bytes);
        var method = T.Read(ref reader);
        Assert.That(reader.Remaining, Is.Zero, $"{typeof(T).Name}.Read left bytes unread");
        return method;
    }

    public static ushort ClassIdOf<T>() where T : struct, IAmqpMethod<T> => T.ClassId;

    public static ushort MethodIdOf<T>() where T : struct, IAmqpMethod<T> => T.MethodId;
}
