using System.Text.RegularExpressions;
using AmqpBroker.Core.Policies;

namespace AmqpBroker.InteropTests.Security;

/// <summary>
/// Policies as clients notice them: limits reaching existing and later queues, the lower of argument and
/// policy winning, the queue's own dead-letter exchange winning, priorities, removal, and alternate
/// exchanges. Each test's policies match only its own names, so they leave other tests (and, against a
/// shared RabbitMQ, other users) alone. RabbitMQ applies a policy to running queues asynchronously, so
/// effects on existing queues are polled for.
/// </summary>
public sealed class PolicyTests : SecurityTestBase
{
    private readonly List<string> _policies = [];
    private string _prefix = null!;
    private IChannel _channel = null!;

    [SetUp]
    public async Task OpenAsync()
    {
        _prefix = UniqueName("policy") + ".";
        _channel = await OpenConfirmChannelAsync();
    }

    [TearDown]
    public async Task DeletePoliciesAsync()
    {
        foreach (var name in _policies)
        {
            await Admin.DeletePolicyAsync("/", name);
        }

        _policies.Clear();
    }

    [Test]
    public async Task A_length_limit_reaches_an_existing_queue_and_drops_its_oldest_messages()
    {
        var queue = await DeclareAsync("q");
        await SendAsync(queue, "m0", "m1", "m2", "m3", "m4");

        await PutPolicyAsync("limit", PolicyApplyTo.Queues, 0, ("max-length", 2));

        Assert.That(await EventuallyAsync(async () => await _channel.MessageCountAsync(queue) == 2), Is.True);
        Assert.That(await GetAllAsync(queue), Is.EqualTo(Texts("m3", "m4")));
    }

    [Test]
    public async Task The_lower_of_queue_argument_and_policy_limit_wins()
    {
        await PutPolicyAsync("limit", PolicyApplyTo.Queues, 0, ("max-length", 3));
        var lowerArgument = await DeclareAsync("arg1", ("x-max-length", 1));
        var higherArgument = await DeclareAsync("arg5", ("x-max-length", 5));
        var noArgument = await DeclareAsync("none");

        foreach (var queue in new[] { lowerArgument, higherArgument, noArgument })
        {
            await SendAsync(queue, "a", "b", "c", "d");
        }

        Assert.That(await _channel.MessageCountAsync(lowerArgument), Is.EqualTo(1u));
        Assert.That(await _channel.MessageCountAsync(higherArgument), Is.EqualTo(3u));
        Assert.That(await _channel.MessageCountAsync(noArgument), Is.EqualTo(3u));
    }

    [Test]
    public async Task The_lower_of_queue_argument_and_policy_message_ttl_wins()
    {
        var (deadLetterExchange, deadLetters) = await DeadLetterTargetAsync("dlx");
        await PutPolicyAsync("ttl", PolicyApplyTo.Queues, 0, "policy-lower", ("message-ttl", 1), ("dead-letter-exchange", deadLetterExchange));
        await PutPolicyAsync("ttl-long", PolicyApplyTo.Queues, 0, "argument-lower", ("message-ttl", 3_600_000), ("dead-letter-exchange", deadLetterExchange));
        var policyLower = await DeclareAsync("policy-lower", ("x-message-ttl", 3_600_000));
        var argumentLower = await DeclareAsync("argument-lower", ("x-message-ttl", 1));

        await SendAsync(policyLower, "a");
        await SendAsync(argumentLower, "b");

        Assert.That(await EventuallyAsync(async () => await _channel.MessageCountAsync(deadLetters) == 2), Is.True, "both expired after 1 ms, whichever side set it");
    }

    [Test]
    public async Task The_lower_of_queue_argument_and_policy_expiry_wins()
    {
        await PutPolicyAsync("expires", PolicyApplyTo.Queues, 0, "policy-lower", ("expires", 100));
        await PutPolicyAsync("expires-long", PolicyApplyTo.Queues, 0, "argument-lower", ("expires", 3_600_000));
        var policyLower = await DeclareAsync("policy-lower", ("x-expires", 3_600_000));
        var argumentLower = await DeclareAsync("argument-lower", ("x-expires", 100));

        var connection = await ConnectAsync();
        Assert.That(await EventuallyAsync(async () => !await QueueExistsAsync(connection, policyLower) && !await QueueExistsAsync(connection, argumentLower)), Is.True);
    }

    [Test]
    public async Task The_queues_own_dead_letter_exchange_wins_over_the_policys()
    {
        var (argumentExchange, viaArgument) = await DeadLetterTargetAsync("dlx-arg");
        var (policyExchange, viaPolicy) = await DeadLetterTargetAsync("dlx-policy");
        await PutPolicyAsync("dlx", PolicyApplyTo.Queues, 0, ("dead-letter-exchange", policyExchange));
        var withArgument = await DeclareAsync("with-arg", ("x-dead-letter-exchange", argumentExchange));
        var withoutArgument = await DeclareAsync("without-arg");

        await RejectOneAsync(withArgument);
        await RejectOneAsync(withoutArgument);

        Assert.That(await EventuallyAsync(async () => await _channel.MessageCountAsync(viaArgument) == 1 && await _channel.MessageCountAsync(viaPolicy) == 1), Is.True);
        Assert.That((await _channel.BasicGetAsync(viaArgument, autoAck: true))!.Body.ToArray(), Is.EqualTo("from with-arg"u8.ToArray()));
    }

    [Test]
    public async Task The_queues_own_overflow_wins_over_the_policys()
    {
        await PutPolicyAsync("overflow", PolicyApplyTo.Queues, 0, ("max-length", 1), ("overflow", "reject-publish"));
        var dropHead = await DeclareAsync("drop-head", ("x-overflow", "drop-head"));
        var fromPolicy = await DeclareAsync("from-policy");
        await SendAsync(dropHead, "a");
        await SendAsync(fromPolicy, "a");

        await SendAsync(dropHead, "b");
        await Assert.ThatAsync(() => SendAsync(fromPolicy, "b"), Throws.InstanceOf<PublishException>(), "reject-publish nacks the publish");

        Assert.That(await GetAllAsync(dropHead), Is.EqualTo(Texts("b")));
        Assert.That(await GetAllAsync(fromPolicy), Is.EqualTo(Texts("a")));
    }

    [Test]
    public async Task A_message_ttl_and_dead_letter_exchange_from_a_policy_apply_to_a_queue_declared_later()
    {
        var (deadLetterExchange, deadLetters) = await DeadLetterTargetAsync("dlx");
        await PutPolicyAsync("ttl", PolicyApplyTo.Queues, 0, ("message-ttl", 1), ("dead-letter-exchange", deadLetterExchange));
        var queue = await DeclareAsync("q");

        await SendAsync(queue, "expires");

        Assert.That(await EventuallyAsync(async () => await _channel.MessageCountAsync(deadLetters) == 1), Is.True);
        Assert.That(await _channel.MessageCountAsync(queue), Is.Zero);
    }

    [Test]
    public async Task Of_two_matching_policies_the_higher_priority_one_applies()
    {
        await PutPolicyAsync("low", PolicyApplyTo.Queues, 0, ("max-length", 1));
        await PutPolicyAsync("high", PolicyApplyTo.Queues, 1, ("max-length", 3));
        var queue = await DeclareAsync("q");

        await SendAsync(queue, "a", "b", "c", "d");

        Assert.That(await _channel.MessageCountAsync(queue), Is.EqualTo(3u));
    }

    [Test]
    public async Task Deleting_the_policy_lifts_its_limit_from_the_queue()
    {
        await PutPolicyAsync("limit", PolicyApplyTo.Queues, 0, ("max-length", 1));
        var queue = await DeclareAsync("q");
        await SendAsync(queue, "a", "b");
        Assert.That(await _channel.MessageCountAsync(queue), Is.EqualTo(1u));

        await Admin.DeletePolicyAsync("/", Policy("limit"));

        // Each poll publishes one more; once the policy is gone from the queue they accumulate.
        Assert.That(await EventuallyAsync(async () =>
        {
            await SendAsync(queue, "more");
            return await _channel.MessageCountAsync(queue) > 1;
        }), Is.True);
    }

    [Test]
    public async Task An_alternate_exchange_from_a_policy_takes_unroutable_messages()
    {
        var exchange = TrackExchange(_prefix + "x");
        await _channel.ExchangeDeclareAsync(exchange, ExchangeType.Direct);
        var (alternate, unroutable) = await DeadLetterTargetAsync("ae");

        await PutPolicyAsync("ae", PolicyApplyTo.Exchanges, 0, ("alternate-exchange", alternate));
        await _channel.BasicPublishAsync(exchange, "nowhere", "lost"u8.ToArray());

        Assert.That(await EventuallyAsync(async () => await _channel.MessageCountAsync(unroutable) == 1), Is.True);
    }

    private string Policy(string name) => _prefix + name;

    /// <summary>A policy for every name under this test's prefix.</summary>
    private Task PutPolicyAsync(string name, PolicyApplyTo applyTo, int priority, params (string Key, object? Value)[] definition) =>
        PutPolicyAsync(name, applyTo, priority, string.Empty, definition);

    /// <summary>A policy for the names under this test's prefix that continue with <paramref name="suffix"/>.</summary>
    private async Task PutPolicyAsync(string name, PolicyApplyTo applyTo, int priority, string suffix, params (string Key, object? Value)[] definition)
    {
        _policies.Add(Policy(name));
        await Admin.PutPolicyAsync("/", Policy(name), "^" + Regex.Escape(_prefix + suffix), applyTo, priority, definition.ToDictionary(d => d.Key, d => d.Value));
    }

    private async Task<string> DeclareAsync(string suffix, params (string Key, object? Value)[] arguments)
    {
        var name = Track(_prefix + suffix);
        await _channel.QueueDeclareAsync(name, false, false, false, arguments.ToDictionary(a => a.Key, a => a.Value));
        return name;
    }

    /// <summary>A fanout exchange (outside the policies' pattern) with a queue bound to it.</summary>
    private async Task<(string Exchange, string Queue)> DeadLetterTargetAsync(string what)
    {
        var exchange = TrackExchange(UniqueName(what));
        var queue = Track(UniqueName(what + "-q"));
        await _channel.ExchangeDeclareAsync(exchange, ExchangeType.Fanout);
        await _channel.QueueDeclareAsync(queue, false, false, false);
        await _channel.QueueBindAsync(queue, exchange, string.Empty);
        return (exchange, queue);
    }

    private async Task RejectOneAsync(string queue)
    {
        await SendAsync(queue, "from " + queue[_prefix.Length..]);
        var got = await _channel.BasicGetAsync(queue, autoAck: false);
        await _channel.BasicRejectAsync(got!.DeliveryTag, requeue: false);
    }

    private async Task<List<string>> GetAllAsync(string queue)
    {
        var bodies = new List<string>();
        while (await _channel.BasicGetAsync(queue, autoAck: true) is { } got)
        {
            bodies.Add(Text(got.Body));
        }

        return bodies;
    }

    /// <summary>Publishes through the default exchange; the channel is in confirm mode, so each is enqueued when this returns.</summary>
    private Task SendAsync(string queue, params string[] bodies) => PublishAsync(_channel, queue, bodies);
}
