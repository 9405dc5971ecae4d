using AmqpBroker.Core.Scheduling;
using AmqpBroker.Core.Storage;
using AmqpBroker.Core.Testing;

namespace AmqpBroker.Core.Exchanges;

/// <summary>
/// What an exchange being created in a virtual host may use besides its definition: routing onward in that
/// virtual host, the broker's exchange types, timers and message store, and the virtual host's counters.
/// Most types need none of it; the delayed-message exchange needs all of it.
/// </summary>
public sealed class ExchangeContext
{
    internal ExchangeContext(string virtualHost, Func<string, Exchange?> findExchange, ExchangeTypeRegistry types, BrokerTimers timers, IMessageStore messages, LeakCounters leaks)
    {
        VirtualHost = virtualHost;
        FindExchange = findExchange;
        Types = types;
        Timers = timers;
        Messages = messages;
        Leaks = leaks;
    }

    public string VirtualHost { get; }

    internal Func<string, Exchange?> FindExchange { get; }

    internal ExchangeTypeRegistry Types { get; }

    internal BrokerTimers Timers { get; }

    internal IMessageStore Messages { get; }

    internal LeakCounters Leaks { get; }
}
