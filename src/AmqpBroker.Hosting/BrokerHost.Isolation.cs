using AmqpBroker.Core;
using AmqpBroker.Core.Security;
using AmqpBroker.Core.Snapshots;
using AmqpBroker.Core.Testing;

namespace AmqpBroker.Hosting;

/// <summary>
/// Isolation for tests: reset to the state after start (or the last snapshot), snapshots to return to,
/// a virtual host per test, and the report of what a test left behind.
/// </summary>
public sealed partial class BrokerHost
{
    private volatile BrokerSnapshot? _resetPoint;

    /// <summary>
    /// Puts the broker back to its state right after start, or after the last <see cref="SnapshotAsync"/>:
    /// every connection is closed with 320 CONNECTION_FORCED (and waited for), and every virtual host, user,
    /// permission, policy, exchange, queue, binding and message not in that state is dropped; what was in it
    /// comes back, messages with the time to live they had left. A broker with a <see cref="BrokerOptions.DataDir"/>
    /// has no start-up state to go back to (reading it back could cost the whole log): take a snapshot first.
    /// </summary>
    public Task ResetAsync(CancellationToken cancellationToken = default) =>
        RestoreAsync(_resetPoint ?? throw new InvalidOperationException($"a broker with a data directory resets to a snapshot: call {nameof(SnapshotAsync)} first"), cancellationToken);

    /// <summary>
    /// Copies the broker's definitions and messages into memory (see <see cref="BrokerSnapshot"/>) and makes
    /// this the state <see cref="ResetAsync"/> returns to: a fixture builds its topology once, snapshots it,
    /// and resets before every test.
    /// </summary>
    public Task<BrokerSnapshot> SnapshotAsync(CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var snapshot = BrokerSnapshot.Take(Broker);
        _resetPoint = snapshot;
        return Task.FromResult(snapshot);
    }

    /// <summary>
    /// Makes the broker's state <paramref name="snapshot"/>'s, as <see cref="ResetAsync"/> does, without
    /// changing the state a reset returns to.
    /// </summary>
    public async Task RestoreAsync(BrokerSnapshot snapshot, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        using var grace = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        grace.CancelAfter(CloseGracePeriod);

        // A client that never answers connection.close gives up the wait; the restore closes its connection again.
        await CloseAllConnectionsAsync("reset", grace.Token).ConfigureAwait(false);
        cancellationToken.ThrowIfCancellationRequested();
        snapshot.RestoreTo(Broker);
    }

    /// <summary>
    /// A virtual host of the test's own (named <paramref name="name"/>, or a unique <c>test-…</c> name), on which
    /// the default user has every permission; its <see cref="TestVirtualHost.AmqpUri"/> connects there.
    /// Disposing it deletes the virtual host with everything in it and closes its connections, so tests on
    /// virtual hosts of their own run in parallel on one broker.
    /// </summary>
    public Task<TestVirtualHost> CreateVirtualHostAsync(string? name = null, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        name ??= $"test-{Guid.NewGuid():N}"[..17];
        if (Broker.FindVirtualHost(name) is not null)
        {
            throw new InvalidOperationException($"vhost '{name}' already exists");
        }

        Broker.AddVirtualHost(name);
        Broker.SetPermission(new Permission(Broker.Settings.DefaultUser, name, ".*", ".*", ".*"));
        return Task.FromResult(new TestVirtualHost(this, name));
    }

    /// <summary>
    /// What tests left behind (see <see cref="LeakReport"/>): on the whole broker, or in
    /// <paramref name="virtualHost"/> only. Messages ready in the state <see cref="ResetAsync"/> returns to are
    /// not counted; the dead-lettered, unroutable and returned counts start at zero with each reset.
    /// </summary>
    public LeakReport GetLeakReport(string? virtualHost = null) => LeakInspector.Inspect(Broker, _resetPoint, virtualHost);

    /// <summary>An <c>amqp://</c> URI for the default user in <paramref name="virtualHost"/>.</summary>
    internal Uri AmqpUriFor(string virtualHost) => new(AmqpUri, Uri.EscapeDataString(virtualHost));

    /// <summary>Deletes a test's virtual host and waits (at most the grace period) for its connections to close.</summary>
    internal async Task DeleteVirtualHostAsync(string name)
    {
        if (!Broker.DeleteVirtualHost(name, ignoringProtection: true))
        {
            return;
        }

        using var grace = new CancellationTokenSource(CloseGracePeriod);
        await WaitForSocketsAsync(() => !Broker.Connections.Any(c => c.VirtualHost == name), grace.Token).ConfigureAwait(false);
    }

    /// <summary>The state a reset returns to before any snapshot: the broker as started, when that is cheap to hold (in memory).</summary>
    private static BrokerSnapshot? StartingPoint(BrokerOptions options, Broker broker) => options.InMemory ? BrokerSnapshot.Take(broker) : null;
}
