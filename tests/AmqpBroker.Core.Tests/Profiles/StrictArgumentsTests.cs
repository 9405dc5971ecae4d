using AmqpBroker.Core.Errors;
using AmqpBroker.Core.Profiles;
using AmqpBroker.Core.Queues;

namespace AmqpBroker.Core.Tests.Profiles;

/// <summary>Strict mode's judgement of arguments against the table of what each release acts on.</summary>
[TestFixture]
public sealed class StrictArgumentsTests
{
    private const string Queue = "queue 'q' in vhost '/'";

    [TestCase("4.2", "x-message-ttl")]
    [TestCase("3.10", "x-max-priority")]
    [TestCase("4.3", "x-delayed-retry-type")]
    [TestCase("3.13", "x-stream-filter-size-bytes")]
    public void An_argument_the_release_acts_on_passes(string release, string name)
    {
        Assert.DoesNotThrow(() => Check(release, ArgumentPlace.QueueDeclare, name));
    }

    [TestCase("x-delayed-type")]
    [TestCase("hash-header")]
    [TestCase("hash-property")]
    public void The_arguments_of_the_plugin_exchange_types_built_in_here_pass(string name)
    {
        Assert.DoesNotThrow(() => Check("4.2", ArgumentPlace.ExchangeDeclare, name));
    }

    [TestCase("4.2", ArgumentPlace.QueueDeclare, "x-message-tll", "no RabbitMQ release knows it")]
    [TestCase("3.10", ArgumentPlace.QueueDeclare, "x-consumer-timeout", "only RabbitMQ 3.12 and later know it")]
    [TestCase("4.2", ArgumentPlace.QueueDeclare, "x-delayed-retry-min", "only RabbitMQ 4.3 and later know it")]
    [TestCase("3.13", ArgumentPlace.QueueDeclare, "x-queue-mode", "ignored since RabbitMQ 3.12")]
    [TestCase("4.0", ArgumentPlace.Consume, "x-cancel-on-ha-failover", "removed in RabbitMQ 4.0")]
    [TestCase("4.2", ArgumentPlace.ExchangeDeclare, "x-delay-type", "no RabbitMQ release knows it")]
    public void An_argument_the_release_would_not_act_on_is_refused_with_why(string release, ArgumentPlace place, string name, string why)
    {
        var ex = Assert.Throws<AmqpException>(() => Check(release, place, name));

        Assert.That(ex.ReplyText, Is.EqualTo($"PRECONDITION_FAILED - strict mode: RabbitMQ {release} would not act on '{name}' ({why}) for {Queue}"));
    }

    [Test]
    public void What_one_queue_type_ignores_another_may_act_on()
    {
        Assert.DoesNotThrow(() => StrictArguments.Check(Profile("4.2"), ArgumentPlace.QueueDeclare, Arguments("x-max-in-memory-length"), Queue, "classic"));
        Assert.Throws<AmqpException>(() => StrictArguments.Check(Profile("4.2"), ArgumentPlace.QueueDeclare, Arguments("x-max-in-memory-length"), Queue, "quorum"));
    }

    [Test]
    public void Every_refused_argument_is_named_and_names_without_x_are_left_alone()
    {
        var ex = Assert.Throws<AmqpException>(() => StrictArguments.Check(Profile("4.2"), ArgumentPlace.QueueDeclare, Arguments("x-one", "x-two", "custom"), Queue));

        Assert.That(ex.Message, Is.EqualTo($"strict mode: RabbitMQ 4.2 would not act on 'x-one' (no RabbitMQ release knows it), 'x-two' (no RabbitMQ release knows it) for {Queue}"));
    }

    /// <summary>The queue types' capability lists and strict mode's table say the same of every release, so they cannot drift apart.</summary>
    [Test]
    public void Every_argument_a_releases_queue_types_take_is_known_to_that_release()
    {
        foreach (var profile in VersionProfile.All)
        {
            foreach (var type in new[] { QueueTypeCapabilities.Classic(profile), QueueTypeCapabilities.Quorum(profile), QueueTypeCapabilities.Stream(profile) })
            {
                Assert.That(type.QueueArgumentNames.Where(name => !IsKnown(profile, ArgumentPlace.QueueDeclare, name)), Is.Empty, $"{type.Module} in {profile.Release}");
                Assert.That(type.ConsumerArgumentNames.Where(name => !IsKnown(profile, ArgumentPlace.Consume, name)), Is.Empty, $"{type.Module} consumers in {profile.Release}");
            }
        }
    }

    private static bool IsKnown(VersionProfile profile, ArgumentPlace place, string name) =>
        KnownArgument.All.Any(a => a.Name == name && a.Place == place && a.IsKnownIn(profile.Release));

    private static void Check(string release, ArgumentPlace place, string name) =>
        StrictArguments.Check(Profile(release), place, Arguments(name), Queue);

    private static VersionProfile Profile(string release) => VersionProfile.For(RabbitMqRelease.Parse(release));

    private static Dictionary<string, object?> Arguments(params string[] names) => names.ToDictionary(n => n, _ => (object?)1);
}
