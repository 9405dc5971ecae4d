namespace AmqpBroker.Management.Security;

/// <summary>What an endpoint asks of the user's tags, as RabbitMQ's management plugin defines them.</summary>
internal enum Access
{
    /// <summary>Any of the management tags: management, policymaker, monitoring, administrator.</summary>
    Management,

    /// <summary>monitoring or administrator: node data, every connection and channel.</summary>
    Monitoring,

    /// <summary>policymaker or administrator: policies of the vhosts the user can access.</summary>
    Policymaker,

    /// <summary>administrator: users, permissions, vhosts, definitions.</summary>
    Administrator,
}
