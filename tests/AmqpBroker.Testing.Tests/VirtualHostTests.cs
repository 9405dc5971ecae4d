using AmqpBroker.Testing.Tests.Support;

namespace AmqpBroker.Testing.Tests;

/// <summary>
/// One broker shared by tests that run in parallel, each on a virtual host of its own: the same queue names
/// do not collide, and disposing a test's virtual host deletes it and closes its connections with 320.
/// </summary>
[TestFixture]
[Parallelizable(ParallelScope.All)]
public sealed class VirtualHostTests : SharedBrokerFixture
{
    [TestCase(1)]
    [TestCase(2)]
    [TestCase(3)]
    [TestCase(4)]
    [TestCase(5)]
    [TestCase(6)]
    public async Task Tests_on_their_own_virtual_hosts_use_the_same_names_side_by_side(int test)
    {
        await using var vhost = await Broker.CreateVirtualHostAsync();
        var (connection, channel) = await Client.ConnectWithChannelAsync(vhost.AmqpUri);
        await using (connection)
        {
            await channel.QueueDeclareAsync("orders", durable: false, exclusive: false, autoDelete: false);
            await Client.PublishAsync(channel, "", "orders", $"order of test {test}");

            Assert.That(await Client.GetAsync(channel, "orders"), Is.EqualTo($"order of test {test}"));
            Assert.That(await Client.GetAsync(channel, "orders"), Is.Null, "no other test's order");
        }
    }

    [Test]
    public async Task A_virtual_host_has_the_name_asked_for_and_its_uri_leads_there()
    {
        await using var vhost = await Broker.CreateVirtualHostAsync("billing/eu");
        var (connection, channel) = await Client.ConnectWithChannelAsync(vhost.AmqpUri);
        await using var _ = connection;
        await channel.QueueDeclareAsync("only-here", durable: false, exclusive: false, autoDelete: false);

        Assert.That(vhost.AmqpUri.AbsolutePath, Is.EqualTo("/billing%2Feu"));
        Assert.That(Broker.Broker.FindVirtualHost("billing/eu")!.FindQueue("only-here"), Is.Not.Null);
    }

    [Test]
    public async Task Disposing_a_virtual_host_deletes_it_and_closes_its_connections_with_320()
    {
        var vhost = await Broker.CreateVirtualHostAsync();
        var connection = await Client.ConnectAsync(vhost.AmqpUri);
        await using var channel = await connection.CreateChannelAsync();
        var closed = Client.ClosedAsync(connection);

        await vhost.DisposeAsync();

        var reason = await closed;
        Assert.That(reason.ReplyCode, Is.EqualTo(320));
        Assert.That(reason.ReplyText, Is.EqualTo($"CONNECTION_FORCED - vhost '{vhost.Name}' is deleted"));
        Assert.That(Broker.Broker.FindVirtualHost(vhost.Name), Is.Null);
    }

    [Test]
    public async Task Two_virtual_hosts_cannot_share_a_name()
    {
        await using var vhost = await Broker.CreateVirtualHostAsync();

        await Assert.ThrowsAsync<InvalidOperationException>(() => Broker.CreateVirtualHostAsync(vhost.Name));
    }
}
