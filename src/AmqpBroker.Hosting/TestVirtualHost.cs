using AmqpBroker.Core.Testing;

namespace AmqpBroker.Hosting;

/// <summary>
/// A virtual host a test has to itself (from <see cref="BrokerHost.CreateVirtualHostAsync"/>): connect with
/// <see cref="AmqpUri"/>; disposing it deletes the virtual host with everything in it and closes its
/// connections with 320 CONNECTION_FORCED.
/// </summary>
public sealed class TestVirtualHost : IAsyncDisposable
{
    private readonly BrokerHost _host;

    internal TestVirtualHost(BrokerHost host, string name)
    {
        _host = host;
        Name = name;
    }

    public string Name { get; }

    /// <summary>An <c>amqp://</c> URI for the default user in this virtual host.</summary>
    public Uri AmqpUri => _host.AmqpUriFor(Name);

    /// <summary>What was left behind in this virtual host alone (see <see cref="LeakReport"/>).</summary>
    public LeakReport GetLeakReport() => _host.GetLeakReport(Name);

    public ValueTask DisposeAsync() => new(_host.DeleteVirtualHostAsync(Name));
}
