using AmqpBroker.Protocol.Encoding;

namespace AmqpBroker.Protocol.Methods;

/// <summary>
/// One AMQP method's arguments. Implemented by the generated readonly structs in <c>*.g.cs</c>; the
/// static members let frame code read and write any method without boxing.
/// </summary>
public interface IAmqpMethod<TSelf> where TSelf : struct, IAmqpMethod<TSelf>
{
    static abstract ushort ClassId { get; }

    static abstract ushort MethodId { get; }

    /// <summary><c>(ClassId &lt;&lt; 16) | MethodId</c>: the single key the connection dispatches on.</summary>
    static abstract uint CommandId { get; }

    /// <summary>Reads the arguments that follow the class and method ids.</summary>
    static abstract TSelf Read(ref AmqpReader reader);

    /// <summary>The exact encoded size of the arguments, without the four bytes of class and method id.</summary>
    int ArgumentsSize { get; }

    void WriteArguments(ref AmqpWriter writer);
}
