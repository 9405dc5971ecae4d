using System.Text.RegularExpressions;

namespace AmqpBroker.InteropTests.Security;

/// <summary>
/// What a passive queue.declare or exchange.declare needs: nothing up to 4.2.5 (3.10 checked against RabbitMQ 3.10.8);
/// from 4.2.7/4.3.1 any permission (configure, write or read) whose pattern matches the queue or exchange name, checked
/// before the lookup, refused as a regular declare is (release-notes/4.2.6.md #16085, 4.2.7.md and 4.3.1.md #16272;
/// rabbit_channel:check_any_resource_access_permitted at v4.2.9 and v4.3.5). The user may configure names starting
/// <c>c-</c>, write to <c>w-</c> and read from <c>r-</c> under a prefix unique to the fixture; <c>n-</c> names match none.
/// </summary>
[Releases("3.10", "4.2", "4.3")]
public sealed class PassiveDeclarePermissionTests : SecurityTestBase
{
    private const string Password = "pw";
    private readonly string _user = "interop-passive-" + Guid.NewGuid().ToString("N");
    private readonly string _prefix = $"passive.{Guid.NewGuid():N}.";

    [OneTimeSetUp]
    public async Task CreateUserAsync()
    {
        if (Host is not null || Support.BrokerAdmin.ManagementUri is not null)
        {
            await Admin.AddUserAsync(_user, Password);
            var p = Regex.Escape(_prefix);
            await Admin.SetPermissionsAsync(_user, "/", $"^{p}c-", $"^{p}w-", $"^{p}r-");
        }
    }

    [OneTimeTearDown]
    public async Task DeleteUserAsync()
    {
        if (Host is not null || Support.BrokerAdmin.ManagementUri is not null)
        {
            await Admin.DeleteUserAsync(_user);
        }
    }

    [TestCase("c-")]
    [TestCase("w-")]
    [TestCase("r-")]
    public async Task Any_one_permission_on_the_name_lets_a_passive_declare_through(string permitted)
    {
        var guest = await OpenChannelAsync();
        var queue = Track(_prefix + permitted + "q");
        var exchange = TrackExchange(_prefix + permitted + "x");
        await guest.QueueDeclareAsync(queue, false, false, false);
        await guest.ExchangeDeclareAsync(exchange, ExchangeType.Fanout);
        var channel = await UserChannelAsync();

        var ok = await channel.QueueDeclarePassiveAsync(queue);
        await channel.ExchangeDeclarePassiveAsync(exchange);

        Assert.That(ok.QueueName, Is.EqualTo(queue));
    }

    [TestCase("queue")]
    [TestCase("exchange")]
    public async Task Without_a_permission_on_the_name_a_passive_declare_is_refused_from_4_2_7(string kind)
    {
        var guest = await OpenChannelAsync();
        var name = _prefix + "n-" + kind;
        await (kind == "queue" ? (Task)guest.QueueDeclareAsync(Track(name), false, false, false) : guest.ExchangeDeclareAsync(TrackExchange(name), ExchangeType.Fanout));
        var channel = await UserChannelAsync();

        if (!Profile.PassiveDeclareNeedsAnyPermission)
        {
            await PassiveDeclareAsync(channel, kind, name);
            return;
        }

        await ExpectRefusedAsync(channel, kind, name);
    }

    [TestCase("queue")]
    [TestCase("exchange")]
    public async Task The_permission_is_checked_before_the_lookup_from_4_2_7(string kind)
    {
        var name = _prefix + "n-missing-" + kind;
        var channel = await UserChannelAsync();

        if (!Profile.PassiveDeclareNeedsAnyPermission)
        {
            await ExpectClosedAsync(() => PassiveDeclareAsync(channel, kind, name), 404, $"NOT_FOUND - no {kind} '{name}' {InDefaultVhost}");
            return;
        }

        await ExpectRefusedAsync(channel, kind, name);
    }

    private static Task PassiveDeclareAsync(IChannel channel, string kind, string name) =>
        kind == "queue" ? channel.QueueDeclarePassiveAsync(name) : (Task)channel.ExchangeDeclarePassiveAsync(name);

    /// <summary>A regular declare's 403: RabbitMQ tries configure last so that the refusal is the configure one.</summary>
    private Task<ShutdownEventArgs> ExpectRefusedAsync(IChannel channel, string kind, string name) =>
        ExpectClosedAsync(() => PassiveDeclareAsync(channel, kind, name), 403, $"ACCESS_REFUSED - {Refused("configure")}access to {kind} '{name}' {InDefaultVhost} refused for user '{_user}'");

    private async Task<IChannel> UserChannelAsync() => await (await ConnectAsAsync(_user, Password)).CreateChannelAsync();
}
