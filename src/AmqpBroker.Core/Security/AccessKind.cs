namespace AmqpBroker.Core.Security;

/// <summary>RabbitMQ's three kinds of access to a resource.</summary>
public enum AccessKind
{
    /// <summary>Create, delete or change the resource (declare, delete).</summary>
    Configure,

    /// <summary>Put messages into it (publish to an exchange, bind a queue).</summary>
    Write,

    /// <summary>Take messages out of it (consume, get, purge, bind from an exchange).</summary>
    Read,
}
