namespace AmqpBroker.InteropTests.Amqp.Exchanges;

/// <summary>
/// Topic pattern matching (words split on '.', '*' one word, '#' zero or more, empty words) and headers
/// matching (x-match modes, x- keys, void values, how value types compare), as RabbitMQ 3.10 routes.
/// </summary>
public sealed class TopicAndHeadersRoutingTests : BrokerTestBase
{
    // ---------------------------------------------------------------- topic

    [TestCase("a.b.c", "a.b.c", true)]
    [TestCase("a.b.c", "a.b", false)]
    [TestCase("a.b", "a.b.c", false)]
    [TestCase("A", "a", false)]
    [TestCase("*", "a", true)]
    [TestCase("*", "", false)]
    [TestCase("*", "a.b", false)]
    [TestCase("*", ".", false)]
    [TestCase("*.*", ".", true)]
    [TestCase("*.*", "a.b.c", false)]
    [TestCase("*.*.*", "a.b", false)]
    [TestCase("#", "", true)]
    [TestCase("#", "a", true)]
    [TestCase("#", "a.b.c", true)]
    [TestCase("#", "..", true)]
    [TestCase("#.#", "", true)]
    [TestCase("#.#", "a.b", true)]
    [TestCase("a.#", "a", true)]
    [TestCase("a.#", "a.b.c", true)]
    [TestCase("a.#", "a.", true)]
    [TestCase("a.#", "b.a", false)]
    [TestCase("#.a", "a", true)]
    [TestCase("#.a", "x.y.a", true)]
    [TestCase("#.a", "a.x", false)]
    [TestCase("a.#.b", "a.b", true)]
    [TestCase("a.#.b", "a.x.y.b", true)]
    [TestCase("a.#.b", "a.b.b", true)]
    [TestCase("a.#.b", "a.x.b.c", false)]
    [TestCase("a.#.#.b", "a.b", true)]
    [TestCase("a.*.b", "a..b", true)]
    [TestCase("a.*.b", "a.b", false)]
    [TestCase("a..b", "a..b", true)]
    [TestCase("a..b", "a.b", false)]
    [TestCase("", "", true)]
    [TestCase("", "a", false)]
    [TestCase(".a", ".a", true)]
    [TestCase(".a", "a", false)]
    [TestCase("*.a", ".a", true)]
    [TestCase("a.", "a.", true)]
    [TestCase("a.", "a", false)]
    [TestCase("a.*", "a.", true)]
    [TestCase("#.*", "", false)]
    [TestCase("#.*", "a", true)]
    [TestCase("*.#", "a.b", true)]
    [TestCase("a.*.#", "a", false)]
    [TestCase("a.*.#", "a.b", true)]
    [TestCase("#.b.#", "a.b.c", true)]
    [TestCase("#.b.#", "b", true)]
    [TestCase("#.b.#", "a.c", false)]
    [TestCase("a.b#", "a.b#", true)]
    [TestCase("a.b#", "a.bx", false)]
    [TestCase("a*", "a*", true)]
    [TestCase("a*", "ab", false)]
    public async Task Topic_pattern(string bindingKey, string routingKey, bool routed)
    {
        var (channel, exchange) = await ChannelWithExchangeAsync("topic");
        var queue = await DeclareQueueAsync(channel);
        await channel.QueueBindAsync(queue, exchange, bindingKey);

        await PublishAndAwaitAckAsync(channel, exchange, routingKey);

        Assert.That(await channel.MessageCountAsync(queue), Is.EqualTo(routed ? 1u : 0u));
    }

    [Test]
    public async Task Overlapping_topic_bindings_deliver_one_copy_per_queue()
    {
        var (channel, exchange) = await ChannelWithExchangeAsync("topic");
        var both = await DeclareQueueAsync(channel, "both");
        var stars = await DeclareQueueAsync(channel, "stars");
        var none = await DeclareQueueAsync(channel, "none");
        foreach (var key in new[] { "#", "a.#", "a.b.c", "*.b.*", "#.c" })
        {
            await channel.QueueBindAsync(both, exchange, key);
        }

        await channel.QueueBindAsync(stars, exchange, "*.*.*");
        await channel.QueueBindAsync(none, exchange, "a.b");

        await PublishAndAwaitAckAsync(channel, exchange, "a.b.c");

        using (Assert.EnterMultipleScope())
        {
            Assert.That(await channel.MessageCountAsync(both), Is.EqualTo(1u));
            Assert.That(await channel.MessageCountAsync(stars), Is.EqualTo(1u));
            Assert.That(await channel.MessageCountAsync(none), Is.Zero);
        }
    }

    [Test]
    public async Task Unbinding_one_of_several_topic_patterns_keeps_the_others()
    {
        var (channel, exchange) = await ChannelWithExchangeAsync("topic");
        var queue = await DeclareQueueAsync(channel);
        await channel.QueueBindAsync(queue, exchange, "a.*");
        await channel.QueueBindAsync(queue, exchange, "#.b");

        await channel.QueueUnbindAsync(queue, exchange, "a.*");
        await PublishAndAwaitAckAsync(channel, exchange, "a.b");
        await PublishAndAwaitAckAsync(channel, exchange, "a.c");

        Assert.That(await channel.MessageCountAsync(queue), Is.EqualTo(1u));
    }

    // ---------------------------------------------------------------- headers

    private static Dictionary<string, object?> T(params object?[] pairs)
    {
        var table = new Dictionary<string, object?>();
        for (var i = 0; i < pairs.Length; i += 2)
        {
            table[(string)pairs[i]!] = pairs[i + 1];
        }

        return table;
    }

    private static IEnumerable<TestCaseData> HeadersCases()
    {
        static TestCaseData Case(string name, Dictionary<string, object?> binding, Dictionary<string, object?>? headers, bool routed) =>
            new TestCaseData(binding, headers, routed).SetName("Headers_" + name);

        // x-match all (the default) and any
        yield return Case("all_every_key_matches", T("x-match", "all", "a", "1", "b", "2"), T("a", "1", "b", "2", "c", "3"), true);
        yield return Case("all_one_key_missing", T("x-match", "all", "a", "1", "b", "2"), T("a", "1"), false);
        yield return Case("all_one_value_differs", T("x-match", "all", "a", "1", "b", "2"), T("a", "1", "b", "3"), false);
        yield return Case("default_is_all_missing", T("a", "1", "b", "2"), T("a", "1"), false);
        yield return Case("default_is_all_matches", T("a", "1", "b", "2"), T("b", "2", "a", "1"), true);
        yield return Case("any_one_key_matches", T("x-match", "any", "a", "1", "b", "2"), T("b", "2"), true);
        yield return Case("any_no_key_matches", T("x-match", "any", "a", "1", "b", "2"), T("c", "3"), false);
        yield return Case("any_key_present_value_differs", T("x-match", "any", "a", "1"), T("a", "2"), false);
        yield return Case("all_empty_pattern_matches_anything", T("x-match", "all"), T("z", "1"), true);
        yield return Case("all_empty_pattern_matches_no_headers", T("x-match", "all"), null, true);
        yield return Case("any_empty_pattern_matches_nothing", T("x-match", "any"), T("z", "1"), false);
        yield return Case("all_without_headers_property", T("x-match", "all", "a", "1"), null, false);
        yield return Case("any_without_headers_property", T("x-match", "any", "a", "1"), null, false);
        yield return Case("keys_are_case_sensitive", T("x-match", "all", "A", "1"), T("a", "1"), false);
        yield return Case("string_values_are_case_sensitive", T("x-match", "all", "a", "x"), T("a", "X"), false);

        // x- keys in the binding
        yield return Case("all_ignores_x_keys", T("x-match", "all", "x-foo", "bar", "a", "1"), T("a", "1"), true);
        yield return Case("all_only_x_keys_matches_without_headers", T("x-match", "all", "x-foo", "bar"), null, true);
        yield return Case("any_ignores_x_keys", T("x-match", "any", "x-foo", "bar"), T("x-foo", "bar"), false);
        yield return Case("all_with_x_uses_x_keys", T("x-match", "all-with-x", "x-foo", "bar"), T("x-foo", "bar"), true);
        yield return Case("all_with_x_x_key_missing", T("x-match", "all-with-x", "x-foo", "bar", "a", "1"), T("a", "1"), false);
        yield return Case("any_with_x_uses_x_keys", T("x-match", "any-with-x", "x-foo", "bar", "a", "1"), T("x-foo", "bar"), true);
        yield return Case("any_with_x_no_match", T("x-match", "any-with-x", "x-foo", "bar"), T("x-foo", "baz"), false);
        yield return Case("x_match_in_the_message_is_just_a_header", T("x-match", "any", "a", "1"), T("x-match", "all", "a", "1"), true);

        // a binding key without a value (void) matches on presence
        yield return Case("void_matches_any_value", T("x-match", "all", "a", null), T("a", "anything"), true);
        yield return Case("void_matches_a_void_header", T("x-match", "all", "a", null), T("a", null), true);
        yield return Case("void_needs_the_key", T("x-match", "all", "a", null), T("b", "1"), false);
        yield return Case("void_header_does_not_match_a_value", T("x-match", "all", "a", "1"), T("a", null), false);
        yield return Case("any_void_present", T("x-match", "any", "a", null, "b", "2"), T("a", 1), true);

        // value types: numbers compare by value across widths and with floats; strings never equal numbers
        yield return Case("int_equals_long", T("a", 1), T("a", 1L), true);
        yield return Case("int_equals_short", T("a", 1), T("a", (short)1), true);
        yield return Case("int_equals_byte", T("a", 1), T("a", (byte)1), true);
        yield return Case("int_equals_sbyte", T("a", 1), T("a", (sbyte)1), true);
        yield return Case("int_equals_uint", T("a", 1), T("a", 1u), true);
        yield return Case("int_equals_double", T("a", 1), T("a", 1.0), true);
        yield return Case("float_equals_double", T("a", 1.5f), T("a", 1.5), true);
        yield return Case("float_0_1_differs_from_double_0_1", T("a", 0.1f), T("a", 0.1), false);
        yield return Case("int_differs_from_string", T("a", 1), T("a", "1"), false);
        yield return Case("int_differs_from_true", T("a", 1), T("a", true), false);
        yield return Case("long_equals_timestamp", T("a", 1700000000L), T("a", new AmqpTimestamp(1700000000)), true);
        yield return Case("negative_numbers", T("a", -5), T("a", -5L), true);
        yield return Case("big_long", T("a", long.MaxValue), T("a", long.MaxValue), true);
        yield return Case("long_max_vs_its_double", T("a", long.MaxValue), T("a", (double)long.MaxValue), false);
        yield return Case("2_pow_53_plus_1_vs_double", T("a", 9007199254740993L), T("a", 9007199254740992.0), false);
        yield return Case("2_pow_53_vs_double", T("a", 9007199254740992L), T("a", 9007199254740992.0), true);
        yield return Case("bool_equals_bool", T("a", true), T("a", true), true);
        yield return Case("bool_differs", T("a", true), T("a", false), false);
        yield return Case("string_equals_bytes", T("a", "abc"), T("a", Encoding.UTF8.GetBytes("abc")), true);
        yield return Case("string_equals_binary", T("a", "abc"), T("a", new BinaryTableValue(Encoding.UTF8.GetBytes("abc"))), true);
        yield return Case("decimal_equals_same_decimal", T("a", 1.5m), T("a", 1.5m), true);
        yield return Case("decimal_differs_with_another_scale", T("a", 1.5m), T("a", 1.50m), false);
        yield return Case("decimal_differs_from_int", T("a", 1m), T("a", 1), false);
        yield return Case("array_equals_same_array", T("a", new List<object?> { 1, "x" }), T("a", new List<object?> { 1, "x" }), true);
        yield return Case("array_compares_element_types", T("a", new List<object?> { 1 }), T("a", new List<object?> { 1L }), false);
        yield return Case("table_equals_same_table", T("a", T("k", "v")), T("a", T("k", "v")), true);
        yield return Case("table_differs", T("a", T("k", "v")), T("a", T("k", "w")), false);
        yield return Case("empty_string", T("a", string.Empty), T("a", string.Empty), true);
        yield return Case("double_in_binding_equals_long_header", T("a", 2.0), T("a", 2L), true);
        yield return Case("int_equals_float", T("a", 3), T("a", 3.0f), true);
        yield return Case("non_utf8_bytes_equal", T("a", new byte[] { 0xFF, 0x00, 0xC3 }), T("a", new byte[] { 0xFF, 0x00, 0xC3 }), true);
        yield return Case("non_utf8_bytes_differ", T("a", new byte[] { 0xFF, 0x00, 0xC3 }), T("a", new byte[] { 0xFF, 0x00, 0xC4 }), false);
        yield return Case("table_compares_value_types", T("a", T("k", 1)), T("a", T("k", 1L)), false);
        yield return Case("array_of_string_differs_from_array_of_binary", T("a", new List<object?> { "x" }), T("a", new List<object?> { new BinaryTableValue(Encoding.UTF8.GetBytes("x")) }), false);
        yield return Case("upper_case_X_keys_are_not_ignored", T("x-match", "all", "X-Foo", "bar"), T("a", "1"), false);
    }

    [TestCaseSource(nameof(HeadersCases))]
    public async Task Headers_match(Dictionary<string, object?> bindingArguments, Dictionary<string, object?>? headers, bool routed)
    {
        var (channel, exchange) = await ChannelWithExchangeAsync("headers");
        var queue = await DeclareQueueAsync(channel);
        await channel.QueueBindAsync(queue, exchange, string.Empty, bindingArguments);

        await PublishAndAwaitAckAsync(channel, exchange, "ignored", headers);

        Assert.That(await channel.MessageCountAsync(queue), Is.EqualTo(routed ? 1u : 0u));
    }

    [Test]
    public async Task The_headers_exchange_ignores_the_routing_key()
    {
        var (channel, exchange) = await ChannelWithExchangeAsync("headers");
        var queue = await DeclareQueueAsync(channel);
        await channel.QueueBindAsync(queue, exchange, "some-key", T("a", "1"));

        await PublishAndAwaitAckAsync(channel, exchange, "another-key", T("a", "1"));

        Assert.That(await channel.MessageCountAsync(queue), Is.EqualTo(1u));
    }

    [Test]
    public async Task A_queue_matched_by_several_headers_bindings_gets_one_copy()
    {
        var (channel, exchange) = await ChannelWithExchangeAsync("headers");
        var queue = await DeclareQueueAsync(channel);
        await channel.QueueBindAsync(queue, exchange, string.Empty, T("x-match", "any", "a", "1"));
        await channel.QueueBindAsync(queue, exchange, string.Empty, T("x-match", "all", "b", "2"));
        await channel.QueueBindAsync(queue, exchange, "other", T("x-match", "all", "b", "2"));

        await PublishAndAwaitAckAsync(channel, exchange, string.Empty, T("a", "1", "b", "2"));

        Assert.That(await channel.MessageCountAsync(queue), Is.EqualTo(1u));
    }

    [Test]
    public async Task The_predeclared_amq_match_exchange_routes_by_headers()
    {
        var channel = await ConfirmChannelWithoutTrackingAsync();
        var queue = await DeclareQueueAsync(channel);
        var marker = Guid.NewGuid().ToString("N");
        await channel.QueueBindAsync(queue, "amq.match", string.Empty, T("x-match", "all", "marker", marker));

        await PublishAndAwaitAckAsync(channel, "amq.match", string.Empty, T("marker", marker));
        await PublishAndAwaitAckAsync(channel, "amq.match", string.Empty, T("marker", "other"));

        Assert.That(await channel.MessageCountAsync(queue), Is.EqualTo(1u));
        await channel.QueueUnbindAsync(queue, "amq.match", string.Empty, T("x-match", "all", "marker", marker));
    }

    [TestCase("foo", "PRECONDITION_FAILED - Invalid x-match field value <<\"foo\">>; expected all, any, all-with-x, or any-with-x")]
    [TestCase("ALL", "PRECONDITION_FAILED - Invalid x-match field value <<\"ALL\">>; expected all, any, all-with-x, or any-with-x")]
    [TestCase("", "PRECONDITION_FAILED - Invalid x-match field value <<>>; expected all, any, all-with-x, or any-with-x")]
    public async Task An_invalid_x_match_value_is_refused_at_bind(string mode, string text)
    {
        var (channel, exchange) = await ChannelWithExchangeAsync("headers");
        var queue = await DeclareQueueAsync(channel);

        await ExpectClosedAsync(() => channel.QueueBindAsync(queue, exchange, string.Empty, T("x-match", mode, "a", "1")), 406, text);
    }

    private static IEnumerable<TestCaseData> NonStringXMatches()
    {
        static TestCaseData Case(string name, object? value, string printed) => new TestCaseData(value, printed).SetName("An_x_match_of_type_" + name + "_is_refused_at_bind");

        yield return Case("signedint", 1, "signedint (value 1)");
        yield return Case("long", 1L, "long (value 1)");
        yield return Case("short", (short)2, "short (value 2)");
        yield return Case("unsignedbyte", (byte)3, "unsignedbyte (value 3)");
        yield return Case("byte", (sbyte)-3, "byte (value -3)");
        yield return Case("unsignedint", 7u, "unsignedint (value 7)");
        yield return Case("bool", true, "bool (value true)");
        yield return Case("double", 1.5, "double (value 1.5)");
        yield return Case("float", 1.5f, "float (value 1.5)");
        yield return Case("binary", new BinaryTableValue(Encoding.UTF8.GetBytes("all")), "binary (value <<\"all\">>)");
        yield return Case("timestamp", new AmqpTimestamp(5), "timestamp (value 5)");
        yield return Case("decimal", 2.5m, "decimal (value {1,25})");
        yield return Case("array", new List<object?> { 1 }, "array (value [{signedint,1}])");
        yield return Case("table", T("k", 1), "table (value [{<<\"k\">>,signedint,1}])");
        yield return Case("void", null, "void (value undefined)");
    }

    [TestCaseSource(nameof(NonStringXMatches))]
    public async Task An_x_match_that_is_not_a_string_is_refused_at_bind(object? value, string printed)
    {
        var (channel, exchange) = await ChannelWithExchangeAsync("headers");
        var queue = await DeclareQueueAsync(channel);

        await ExpectClosedAsync(() => channel.QueueBindAsync(queue, exchange, string.Empty, T("x-match", value)), 406, $"PRECONDITION_FAILED - Invalid x-match field type {printed}; expected longstr");
    }

    [Test]
    public async Task An_x_match_is_not_validated_by_other_exchange_types()
    {
        var (channel, exchange) = await ChannelWithExchangeAsync("direct");
        var queue = await DeclareQueueAsync(channel);

        await channel.QueueBindAsync(queue, exchange, "k", T("x-match", "foo"));
        await PublishAndAwaitAckAsync(channel, exchange, "k");

        Assert.That(await channel.MessageCountAsync(queue), Is.EqualTo(1u));
    }

    // ---------------------------------------------------------------- helpers

    private async Task<IChannel> ConfirmChannelWithoutTrackingAsync()
    {
        // Confirms without the client's tracking: tracking adds an x-dotnet-pub-seq-no header to every
        // message, which would take part in -with-x matching.
        var channel = await OpenChannelAsync(new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: false));
        var acked = new AckWatcher();
        channel.BasicAcksAsync += (_, args) =>
        {
            acked.Acked(args.DeliveryTag);
            return Task.CompletedTask;
        };
        _acks[channel] = acked;
        return channel;
    }

    private readonly Dictionary<IChannel, AckWatcher> _acks = [];

    private async Task<(IChannel Channel, string Exchange)> ChannelWithExchangeAsync(string type)
    {
        var channel = await ConfirmChannelWithoutTrackingAsync();
        var exchange = await DeclareExchangeAsync(channel, type);
        return (channel, exchange);
    }

    /// <summary>Publishes one message and waits until the broker has confirmed (that is, routed) it.</summary>
    private async Task PublishAndAwaitAckAsync(IChannel channel, string exchange, string routingKey, Dictionary<string, object?>? headers = null)
    {
        var sequence = await channel.GetNextPublishSequenceNumberAsync();
        var properties = new BasicProperties();
        if (headers is not null)
        {
            properties.Headers = headers;
        }

        await channel.BasicPublishAsync(exchange, routingKey, false, properties, Encoding.UTF8.GetBytes("m"));
        var acks = _acks[channel];
        Assert.That(await EventuallyAsync(() => Task.FromResult(acks.Last >= sequence)), Is.True, $"publish {sequence} was not confirmed");
    }

    private sealed class AckWatcher
    {
        private long _last;

        public ulong Last => (ulong)Interlocked.Read(ref _last);

        public void Acked(ulong tag)
        {
            long seen;
            do
            {
                seen = Interlocked.Read(ref _last);
            }
            while ((long)tag > seen && Interlocked.CompareExchange(ref _last, (long)tag, seen) != seen);
        }
    }
}
