namespace AmqpBroker.InteropTests.QueueFeatures;

/// <summary>
/// queue.declare arguments are validated as RabbitMQ 3.10 validates them: a bad type or value closes the
/// channel with 406 and RabbitMQ's text (all texts below were recorded from RabbitMQ 3.10), nothing is
/// declared; every integer width RabbitMQ accepts is accepted.
/// </summary>
public sealed class QueueArgumentValidationTests : BrokerTestBase
{
    public static IEnumerable<TestCaseData> InvalidArguments()
    {
        static TestCaseData Case(string key, object? value, string error, string name) =>
            new TestCaseData(key, value, error).SetArgDisplayNames(name);

        yield return Case("x-message-ttl", -1, "{value_negative,-1}", "ttl -1");
        yield return Case("x-message-ttl", "abc", NoInteger("longstr"), "ttl string");
        yield return Case("x-message-ttl", 1.5, NoInteger("double"), "ttl double");
        yield return Case("x-message-ttl", 5f, NoInteger("float"), "ttl float");
        yield return Case("x-message-ttl", 5m, NoInteger("decimal"), "ttl decimal");
        yield return Case("x-message-ttl", true, NoInteger("bool"), "ttl bool");
        yield return Case("x-message-ttl", new Dictionary<string, object?>(), NoInteger("table"), "ttl table");
        yield return Case("x-message-ttl", new List<object?>(), NoInteger("array"), "ttl array");
        yield return Case("x-message-ttl", new AmqpTimestamp(5), NoInteger("timestamp"), "ttl timestamp");
        yield return Case("x-message-ttl", null, NoInteger("void"), "ttl void");
        yield return Case("x-expires", 0, "{value_zero,0}", "expires 0");
        yield return Case("x-expires", -1, "{value_negative,-1}", "expires -1");
        yield return Case("x-expires", "abc", NoInteger("longstr"), "expires string");
        yield return Case("x-max-length", -1, "{value_negative,-1}", "max-length -1");
        yield return Case("x-max-length", "abc", NoInteger("longstr"), "max-length string");
        yield return Case("x-max-length-bytes", -1, "{value_negative,-1}", "max-length-bytes -1");
        yield return Case("x-max-length-bytes", "x", NoInteger("longstr"), "max-length-bytes string");
        yield return Case("x-overflow", "foo", "invalid_overflow", "overflow foo");
        yield return Case("x-overflow", 1, "{unacceptable_type,signedint}", "overflow int");
        yield return Case("x-dead-letter-routing-key", "rk", "routing_key_but_no_dlx_defined", "dlrk without dlx");
        yield return Case("x-max-priority", 256, "{max_value_exceeded,256}", "max-priority 256");
        yield return Case("x-single-active-consumer", "yes", "{unacceptable_type,longstr}", "sac string");
    }

    /// <summary>RabbitMQ's error for a non-integer where an integer is required, quotes included.</summary>
    private static string NoInteger(string type) => $"\"expected integer, got {type}\"";

    public static IEnumerable<TestCaseData> ValidArguments()
    {
        static TestCaseData Case(string key, object? value, string name) => new TestCaseData(key, value).SetArgDisplayNames(name);

        yield return Case("x-message-ttl", 5L, "ttl long");
        yield return Case("x-message-ttl", (short)5, "ttl short");
        yield return Case("x-message-ttl", (byte)5, "ttl byte");
        yield return Case("x-message-ttl", (sbyte)5, "ttl sbyte");
        yield return Case("x-message-ttl", 5u, "ttl uint");
        yield return Case("x-message-ttl", 0, "ttl 0");
        yield return Case("x-message-ttl", 4_294_967_296L, "ttl above 32 bits");
        yield return Case("x-expires", 1, "expires 1");
        yield return Case("x-expires", 4_294_967_296L, "expires above 32 bits");
        yield return Case("x-max-length", 0, "max-length 0");
        yield return Case("x-max-length-bytes", 0L, "max-length-bytes 0");
        yield return Case("x-overflow", "drop-head", "overflow drop-head");
        yield return Case("x-overflow", "reject-publish", "overflow reject-publish");
        yield return Case("x-overflow", "reject-publish-dlx", "overflow reject-publish-dlx");
        yield return Case("x-dead-letter-exchange", "no-such-exchange", "dlx need not exist");
        yield return Case("x-dead-letter-exchange", string.Empty, "dlx default exchange");
        yield return Case("x-max-priority", (byte)0, "max-priority 0");
        yield return Case("x-max-priority", 255, "max-priority 255");
        yield return Case("x-single-active-consumer", true, "sac true");
        yield return Case("x-single-active-consumer", false, "sac false");
        yield return Case("x-queue-mode", "lazy", "queue-mode lazy");
        yield return Case("x-queue-mode", "default", "queue-mode default");
        yield return Case("x-queue-version", 2, "queue-version 2");
        yield return Case("x-queue-type", "classic", "queue-type classic");
        yield return Case("x-unknown-argument", new Dictionary<string, object?> { ["any"] = 1 }, "unknown argument");
    }

    [TestCaseSource(nameof(InvalidArguments))]
    public async Task An_invalid_argument_is_refused_with_RabbitMQs_406(string key, object? value, string error)
    {
        var (connection, channel) = await ConnectWithChannelAsync();
        var queue = Track(UniqueName());

        await ExpectClosedAsync(() => channel.QueueDeclareAsync(queue, false, false, false, new Dictionary<string, object?> { [key] = value }), 406, $"PRECONDITION_FAILED - invalid arg '{key}' for queue '{queue}' in vhost '/': {error}");
        using (Assert.EnterMultipleScope())
        {
            Assert.That(channel.IsOpen, Is.False);
            Assert.That(connection.IsOpen, Is.True, "a channel error");
        }

        Assert.That(await QueueExistsAsync(connection, queue), Is.False, "nothing was declared");
    }

    [TestCaseSource(nameof(ValidArguments))]
    public async Task A_valid_argument_is_accepted(string key, object? value)
    {
        var channel = await OpenChannelAsync();
        var queue = Track(UniqueName());

        var ok = await channel.QueueDeclareAsync(queue, false, false, false, new Dictionary<string, object?> { [key] = value });

        Assert.That(ok.QueueName, Is.EqualTo(queue));
    }

    /// <summary>
    /// Until 4.2 an unknown queue mode is refused (rabbit_amqqueue:check_queue_mode) and storage version 1 accepted. 4.3
    /// removed classic queue storage v1 (release-notes/4.3.0.md, breaking changes): <c>x-queue-version</c> 1 is refused
    /// (check_queue_version at v4.3.0), while <c>x-queue-mode</c> lost its validator but is still a classic queue
    /// argument (rabbit_classic_queue:capabilities at v4.3.0), so any mode is accepted, whatever the notes say.
    /// </summary>
    [Test]
    public async Task Queue_mode_and_storage_version_are_checked_as_the_release_checks_them()
    {
        var (connection, channel) = await ConnectWithChannelAsync();
        var mode = Track(UniqueName("mode"));
        var version = Track(UniqueName("version"));
        Task<QueueDeclareOk> Declare(string queue, string key, object value) =>
            channel.QueueDeclareAsync(queue, false, false, false, new Dictionary<string, object?> { [key] = value });

        if (Profile.ClassicQueueStorageV1Removed)
        {
            await Declare(mode, "x-queue-mode", "foo");
            await ExpectClosedAsync(() => Declare(version, "x-queue-version", 1), 406, $"PRECONDITION_FAILED - invalid arg 'x-queue-version' for queue '{version}' in vhost '/': \"unsupported queue version '1'\"");
        }
        else
        {
            await Declare(version, "x-queue-version", 1);
            await ExpectClosedAsync(() => Declare(mode, "x-queue-mode", "foo"), 406, $"PRECONDITION_FAILED - invalid arg 'x-queue-mode' for queue '{mode}' in vhost '/': \"unsupported queue mode 'foo'\"");
        }

        Assert.That(await QueueExistsAsync(connection, Profile.ClassicQueueStorageV1Removed ? mode : version), Is.True);
    }

    [Test]
    public async Task A_dead_letter_routing_key_with_a_dead_letter_exchange_must_be_a_string()
    {
        var channel = await OpenChannelAsync();
        var queue = Track(UniqueName());

        await ExpectClosedAsync(() => channel.QueueDeclareAsync(queue, false, false, false, new Dictionary<string, object?> { ["x-dead-letter-exchange"] = "x", ["x-dead-letter-routing-key"] = 1 }), 406, $"PRECONDITION_FAILED - invalid arg 'x-dead-letter-routing-key' for queue '{queue}' in vhost '/': {{unacceptable_type,signedint}}");
    }

    [Test]
    public async Task A_non_string_dead_letter_exchange_is_refused_with_RabbitMQs_other_wording()
    {
        var channel = await OpenChannelAsync();
        var queue = Track(UniqueName());

        await ExpectClosedAsync(() => channel.QueueDeclareAsync(queue, false, false, false, new Dictionary<string, object?> { ["x-dead-letter-exchange"] = 1 }), 406, $"PRECONDITION_FAILED - invalid type 'signedint' for arg 'x-dead-letter-exchange' in queue '{queue}' in vhost '/'");
    }

    [Test]
    public async Task On_redeclare_equivalence_is_checked_before_validity()
    {
        var (channel, queue) = await OpenChannelWithQueueAsync();

        await ExpectClosedAsync(() => channel.QueueDeclareAsync(queue, false, false, false, new Dictionary<string, object?> { ["x-max-length"] = -1 }), 406, $"PRECONDITION_FAILED - inequivalent arg 'x-max-length' for queue '{queue}' in vhost '/': received the value '-1' of type 'signedint' but current is none");
    }

    [Test]
    public async Task A_reply_text_longer_than_a_shortstr_is_cut_to_252_bytes_and_an_ellipsis()
    {
        var channel = await OpenChannelAsync();
        var queue = Track($"long-{Guid.NewGuid():N}-{new string('x', 200)}");

        var reason = await ExpectOperationInterruptedAsync(() => channel.QueueDeclareAsync(queue, false, false, false, new Dictionary<string, object?> { ["x-message-ttl"] = -1 }));

        var full = $"PRECONDITION_FAILED - invalid arg 'x-message-ttl' for queue '{queue}' in vhost '/': {{value_negative,-1}}";
        using (Assert.EnterMultipleScope())
        {
            Assert.That(reason.ReplyCode, Is.EqualTo(406), "still a channel error, not a failure to encode it");
            Assert.That(reason.ReplyText, Is.EqualTo(full[..252] + "..."));
        }
    }

    [Test]
    public async Task A_passive_declare_ignores_the_arguments()
    {
        var (channel, queue) = await OpenChannelWithQueueAsync();

        var ok = await channel.QueueDeclareAsync(queue, durable: false, exclusive: false, autoDelete: false, new Dictionary<string, object?> { ["x-max-length"] = -1 }, passive: true);

        Assert.That(ok.QueueName, Is.EqualTo(queue));
    }
}
