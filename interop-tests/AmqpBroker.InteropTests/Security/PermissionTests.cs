using System.Text.RegularExpressions;

namespace AmqpBroker.InteropTests.Security;

/// <summary>
/// Which permission each AMQP operation needs and in what order they are checked, with RabbitMQ 3.10's
/// 403 texts (every case was first run against it). The user may configure names starting <c>c-</c>,
/// write to <c>w-</c> and read from <c>r-</c> (all under a prefix unique to the test).
/// </summary>
public sealed class PermissionTests : SecurityTestBase
{
    private const string Password = "pw";
    private readonly string _user = "interop-perm-" + Guid.NewGuid().ToString("N");
    private string _prefix = null!;
    private IChannel _guest = null!;

    [OneTimeSetUp]
    public async Task CreateUserAsync()
    {
        if (BrokerAdminAvailable)
        {
            await Admin.AddUserAsync(_user, Password);
        }
    }

    [OneTimeTearDown]
    public async Task DeleteUserAsync()
    {
        if (BrokerAdminAvailable)
        {
            await Admin.DeleteUserAsync(_user);
        }
    }

    [SetUp]
    public async Task GrantAsync()
    {
        _prefix = $"perm.{Guid.NewGuid():N}.";
        await PermitAsync(read: "r-");
        _guest = await OpenChannelAsync();
    }

    [Test]
    public async Task Queue_declare_needs_configure_on_the_queue_and_a_passive_declare_needs_no_configure()
    {
        var writable = await GuestQueueAsync("w-q");

        var declared = await (await UserChannelAsync()).QueueDeclareAsync(Track(Name("c-q")), false, false, false);
        Assert.That(declared.QueueName, Is.EqualTo(Name("c-q")));
        await ExpectRefusedAsync(c => c.QueueDeclareAsync(writable, false, false, false), "configure queue", writable);
        await (await UserChannelAsync()).QueueDeclarePassiveAsync(writable);
    }

    [Test]
    public async Task A_server_named_queue_needs_configure_on_its_generated_name()
    {
        var reason = await ExpectOperationInterruptedAsync(async () => await (await UserChannelAsync()).QueueDeclareAsync());

        Assert.That(reason.ReplyCode, Is.EqualTo(403));
        var generated = Regex.Match(reason.ReplyText, "'(amq\\.gen-[A-Za-z0-9_-]{22})'").Groups[1].Value;
        Assert.That(reason.ReplyText, Is.EqualTo(Refusal("configure queue", generated)));
    }

    [Test]
    public async Task Exchange_declare_and_delete_need_configure_and_delete_checks_before_looking_up()
    {
        var writable = Name("w-x");
        await _guest.ExchangeDeclareAsync(TrackExchange(writable), ExchangeType.Fanout);

        await (await UserChannelAsync()).ExchangeDeclareAsync(TrackExchange(Name("c-x")), ExchangeType.Fanout);
        await ExpectRefusedAsync(c => c.ExchangeDeclareAsync(writable, ExchangeType.Fanout), "configure exchange", writable);
        await (await UserChannelAsync()).ExchangeDeclarePassiveAsync(writable);
        await ExpectRefusedAsync(c => c.ExchangeDeleteAsync(writable), "configure exchange", writable);
        await ExpectRefusedAsync(c => c.ExchangeDeleteAsync(Name("w-missing")), "configure exchange", Name("w-missing"));
        await (await UserChannelAsync()).ExchangeDeleteAsync(Name("c-x"));
    }

    [Test]
    public async Task Queue_delete_needs_configure_even_for_a_missing_queue()
    {
        var configurable = await GuestQueueAsync("c-q");

        await ExpectRefusedAsync(c => c.QueueDeleteAsync(Name("w-missing")), "configure queue", Name("w-missing"));
        await ExpectRefusedAsync(c => c.QueueDeleteAsync(Name("r-missing")), "configure queue", Name("r-missing"));
        await (await UserChannelAsync()).QueueDeleteAsync(configurable);
    }

    [Test]
    public async Task Purge_get_and_consume_need_read_on_the_queue_before_it_is_looked_up()
    {
        var readable = await GuestQueueAsync("r-q");
        var configurable = await GuestQueueAsync("c-q");

        var channel = await UserChannelAsync();
        await channel.QueuePurgeAsync(readable);
        Assert.That(await channel.BasicGetAsync(readable, autoAck: true), Is.Null);
        await channel.BasicConsumeAsync(readable, autoAck: true, new AsyncEventingBasicConsumer(channel));
        await ExpectRefusedAsync(c => c.QueuePurgeAsync(configurable), "read queue", configurable);
        await ExpectRefusedAsync(c => c.BasicGetAsync(configurable, autoAck: true), "read queue", configurable);
        await ExpectRefusedAsync(c => c.BasicConsumeAsync(configurable, autoAck: true, new AsyncEventingBasicConsumer(c)), "read queue", configurable);
        await ExpectRefusedAsync(c => c.BasicGetAsync(Name("c-missing"), autoAck: true), "read queue", Name("c-missing"));
    }

    [Test]
    public async Task Queue_bind_needs_write_on_the_queue_then_read_on_the_exchange()
    {
        var queue = await GuestQueueAsync("w-q");
        var otherQueue = await GuestQueueAsync("c-q");
        var (readable, writable, configurable) = await GuestExchangesAsync();

        var channel = await UserChannelAsync();
        await channel.QueueBindAsync(queue, readable, "k");
        await channel.QueueUnbindAsync(queue, readable, "k");
        await ExpectRefusedAsync(c => c.QueueBindAsync(otherQueue, readable, "k"), "write queue", otherQueue);
        await ExpectRefusedAsync(c => c.QueueBindAsync(queue, writable, "k"), "read exchange", writable);
        await ExpectRefusedAsync(c => c.QueueBindAsync(otherQueue, configurable, "k"), "write queue", otherQueue);
        await ExpectRefusedAsync(c => c.QueueUnbindAsync(queue, writable, "k"), "read exchange", writable);
        await ExpectRefusedAsync(c => c.QueueBindAsync(queue, "amq.direct", "k"), "read exchange", "amq.direct");
    }

    [Test]
    public async Task The_default_exchange_check_comes_between_the_queue_and_the_exchange_checks()
    {
        var queue = await GuestQueueAsync("w-q");
        var otherQueue = await GuestQueueAsync("c-q");

        await ExpectRefusedAsync(c => c.QueueBindAsync(otherQueue, string.Empty, "k"), "write queue", otherQueue);
        var reason = await ExpectOperationInterruptedAsync(async () => await (await UserChannelAsync()).QueueBindAsync(queue, string.Empty, "k"));
        Assert.That(reason.ReplyText, Is.EqualTo("ACCESS_REFUSED - operation not permitted on the default exchange"));
    }

    [Test]
    public async Task Exchange_bind_needs_write_on_the_destination_then_read_on_the_source()
    {
        var (readable, writable, configurable) = await GuestExchangesAsync();

        var channel = await UserChannelAsync();
        await channel.ExchangeBindAsync(writable, readable, "k");
        await channel.ExchangeUnbindAsync(writable, readable, "k");
        await ExpectRefusedAsync(c => c.ExchangeBindAsync(configurable, readable, "k"), "write exchange", configurable);
        await ExpectRefusedAsync(c => c.ExchangeBindAsync(writable, configurable, "k"), "read exchange", configurable);
        await ExpectRefusedAsync(c => c.ExchangeBindAsync(string.Empty, readable, "k"), "write exchange", "amq.default");
        await ExpectRefusedAsync(c => c.ExchangeUnbindAsync(configurable, readable, "k"), "write exchange", configurable);
    }

    [Test]
    public async Task Publish_needs_write_on_the_exchange_checked_before_it_is_looked_up()
    {
        var writable = await GuestExchangeAsync("w-x");
        var readable = await GuestExchangeAsync("r-x");

        var channel = await UserChannelAsync(confirms: true);
        await channel.BasicPublishAsync(writable, "k", "ok"u8.ToArray());
        await ExpectPublishRefusedAsync(readable, readable);
        await ExpectPublishRefusedAsync(Name("c-missing"), Name("c-missing"));
        await ExpectPublishRefusedAsync(string.Empty, "amq.default");

        var missing = await ExpectOperationInterruptedAsync(async () =>
            await (await UserChannelAsync(confirms: true)).BasicPublishAsync(Name("w-missing"), "k", "x"u8.ToArray()));
        Assert.That(missing.ReplyCode, Is.EqualTo(404), "with write permission a missing exchange is a 404");
    }

    [Test]
    public async Task A_dead_letter_exchange_needs_read_on_the_new_queue_and_write_on_the_exchange()
    {
        await PermitAsync(read: "(r|c)-");
        var arguments = (string dlx) => new Dictionary<string, object?> { ["x-dead-letter-exchange"] = dlx };

        var channel = await UserChannelAsync();
        await channel.QueueDeclareAsync(Track(Name("c-q1")), false, false, false, arguments(Name("w-dlx")));
        await ExpectRefusedAsync(c => c.QueueDeclareAsync(Track(Name("c-q2")), false, false, false, arguments(Name("c-dlx"))), "write exchange", Name("c-dlx"));
        await ExpectRefusedAsync(c => c.QueueDeclareAsync(Track(Name("c-q3")), false, false, false, arguments(string.Empty)), "write exchange", "amq.default");

        await PermitAsync(read: "r-");
        await ExpectRefusedAsync(c => c.QueueDeclareAsync(Track(Name("c-q4")), false, false, false, arguments(Name("w-dlx"))), "read queue", Name("c-q4"));
    }

    [Test]
    public async Task An_alternate_exchange_needs_read_on_the_new_exchange_and_write_on_the_alternate()
    {
        await PermitAsync(read: "(r|c)-");
        var arguments = (string ae) => new Dictionary<string, object?> { ["alternate-exchange"] = ae };

        var channel = await UserChannelAsync();
        await channel.ExchangeDeclareAsync(TrackExchange(Name("c-x1")), ExchangeType.Fanout, arguments: arguments(Name("w-ae")));
        await ExpectRefusedAsync(c => c.ExchangeDeclareAsync(TrackExchange(Name("c-x2")), ExchangeType.Fanout, arguments: arguments(Name("c-ae"))), "write exchange", Name("c-ae"));

        await PermitAsync(read: "r-");
        await ExpectRefusedAsync(c => c.ExchangeDeclareAsync(TrackExchange(Name("c-x3")), ExchangeType.Fanout, arguments: arguments(Name("w-ae"))), "read exchange", Name("c-x3"));
    }

    [Test]
    public async Task Direct_reply_to_needs_no_read_or_configure_permission_but_replies_need_write_on_the_default_exchange()
    {
        var channel = await UserChannelAsync();
        await channel.BasicConsumeAsync("amq.rabbitmq.reply-to", autoAck: true, new AsyncEventingBasicConsumer(channel));
        // Every declare of the pseudo-queue is a passive one, checked by no permission (rabbit_channel, v3.10.8 to v4.3.5).
        Assert.That((await channel.QueueDeclareAsync("amq.rabbitmq.reply-to", false, false, false)).ConsumerCount, Is.EqualTo(1));

        await ExpectPublishRefusedAsync(string.Empty, "amq.default", routingKey: "amq.rabbitmq.reply-to.anything");
    }

    [Test]
    public async Task A_cleared_permission_refuses_the_next_operation_on_a_connection_that_stays_open()
    {
        var connection = await ConnectAsAsync(_user, Password);
        var channel = await connection.CreateChannelAsync();
        await channel.QueueDeclareAsync(Track(Name("c-before")), false, false, false);

        await Admin.ClearPermissionsAsync(_user, "/");

        var next = await connection.CreateChannelAsync();
        await ExpectClosedAsync(() => next.QueueDeclareAsync(Track(Name("c-after")), false, false, false), 403, Refusal("configure queue", Name("c-after")));
        Assert.That((connection.IsOpen, channel.IsOpen), Is.EqualTo((true, true)), "only the refused channel closed");
    }

    [Test]
    [OwnBrokerOnly("RabbitMQ caches a channel's passed checks (its docs: permission changes may only take effect on reconnect); this broker re-checks after any change")]
    public async Task A_changed_permission_applies_to_the_next_publish_on_the_same_channel()
    {
        var exchange = await GuestExchangeAsync("w-x");
        var channel = await UserChannelAsync(confirms: true);
        await channel.BasicPublishAsync(exchange, "k", "allowed"u8.ToArray());

        await Admin.SetPermissionsAsync(_user, "/", ".*", "^nothing$", ".*");

        await ExpectClosedAsync(async () => await channel.BasicPublishAsync(exchange, "k", "refused"u8.ToArray()), 403, Refusal("write exchange", exchange));
    }

    private bool BrokerAdminAvailable => Host is not null || Support.BrokerAdmin.ManagementUri is not null;

    private string Name(string suffix) => _prefix + suffix;

    /// <summary>
    /// RabbitMQ's 403 for <paramref name="permissionAndKind"/> (<c>"write queue"</c>) on <paramref name="name"/>, naming the
    /// permission where the release does (<see cref="BrokerTestBase.Refused"/>).
    /// </summary>
    private string Refusal(string permissionAndKind, string name)
    {
        var words = permissionAndKind.Split(' ');
        return $"ACCESS_REFUSED - {Refused(words[0])}access to {words[1]} '{name}' in vhost '/' refused for user '{_user}'";
    }

    /// <summary>
    /// The user's permissions in "/": configure names starting c-, write to w-, and read what <paramref name="read"/>
    /// matches (all under the test's prefix).
    /// </summary>
    private Task PermitAsync(string read)
    {
        var p = Regex.Escape(_prefix);
        return Admin.SetPermissionsAsync(_user, "/", $"^{p}c-", $"^{p}w-", $"^{p}{read}");
    }

    private async Task<IChannel> UserChannelAsync(bool confirms = false)
    {
        var connection = await ConnectAsAsync(_user, Password);
        return await connection.CreateChannelAsync(confirms ? ConfirmOptions : null);
    }

    private async Task<string> GuestQueueAsync(string suffix)
    {
        var name = Track(Name(suffix));
        await _guest.QueueDeclareAsync(name, false, false, false);
        return name;
    }

    /// <summary>Three exchanges declared by guest, which the user may only read, only write and only configure.</summary>
    private async Task<(string Readable, string Writable, string Configurable)> GuestExchangesAsync() =>
        (await GuestExchangeAsync("r-x"), await GuestExchangeAsync("w-x"), await GuestExchangeAsync("c-x"));

    private async Task<string> GuestExchangeAsync(string suffix)
    {
        var name = TrackExchange(Name(suffix));
        await _guest.ExchangeDeclareAsync(name, ExchangeType.Fanout);
        return name;
    }

    /// <summary>Runs <paramref name="operation"/> as the user on a fresh channel and expects RabbitMQ's 403 for the resource.</summary>
    private async Task ExpectRefusedAsync(Func<IChannel, Task> operation, string permissionAndKind, string name)
    {
        var channel = await UserChannelAsync();
        await ExpectClosedAsync(() => operation(channel), 403, Refusal(permissionAndKind, name));
    }

    private async Task ExpectPublishRefusedAsync(string exchange, string refusedName, string routingKey = "k")
    {
        var channel = await UserChannelAsync(confirms: true);
        await ExpectClosedAsync(async () => await channel.BasicPublishAsync(exchange, routingKey, "x"u8.ToArray()), 403, Refusal("write exchange", refusedName));
    }
}
