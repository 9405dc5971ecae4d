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
    private readonly BrokerServices _services;

    internal ExchangeContext(string virtualHost, Func<string, Exchange?> findExchange, BrokerServices services, LeakCounters leaks)
    {
        VirtualHost = virtualHost;
        FindExchange = findExchange;
        _services = services;
        Leaks = leaks;
    }

    public string VirtualHost { get; }

    internal Func<string, Exchange?> FindExchange { get; }

    internal ExchangeTypeRegistry Types => _services.ExchangeTypes;

    internal BrokerTimers Timers => _services.Timers;

    internal IMessageStore Messages => _services.Messages;

    internal LeakCounters Leaks { get; }
}
