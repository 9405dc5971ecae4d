using System.Text.Json;
using AmqpBroker.Core.Parameters;
using AmqpBroker.Core.Policies;
using AmqpBroker.Core.Profiles;
using AmqpBroker.Core.Tests.TestSupport;

namespace AmqpBroker.Core.Tests.Policies;

/// <summary>
/// Operator policies (RabbitMQ 3.10.8, deps/rabbit/src/rabbit_policy.erl and rabbit_policies.erl): only the
/// keys registered as operator_policy_validator are allowed; of the matching ones the highest priority applies
/// besides the queue's policy; where both set a key the smaller value is in force (merge_policy_value/3 is min/2),
/// and a queue argument still lowers a limit further.
/// </summary>
[TestFixture]
public sealed class OperatorPolicyTests : TimedBrokerFixture
{
    [Test]
    public void The_smaller_limit_of_policy_and_operator_policy_is_in_force_and_both_show_in_the_effective_definition()
    {
        PutPolicy("user", ("max-length", 5L), ("message-ttl", 500L), ("overflow", "reject-publish"));
        PutOperatorPolicy("low", 0, ("max-length", 1L));
        PutOperatorPolicy("cap", 3, ("max-length", 2L), ("message-ttl", 1000L));

        var queue = Declare("capped");

        Assert.That((queue.PolicyName, queue.OperatorPolicy?.Name), Is.EqualTo(("user", "cap")), "only the highest-priority operator policy applies");
        Assert.That(queue.EffectivePolicyDefinition, Is.EqualTo(new Dictionary<string, object?>
        {
            ["max-length"] = 2L,
            ["message-ttl"] = 500L,
            ["overflow"] = "reject-publish",
        }));
        Assert.That((queue.Arguments.MaxLength, queue.Arguments.MessageTtl), Is.EqualTo(((long?)2, (long?)500)));
    }

    [Test]
    public void A_queue_argument_below_the_operator_limit_still_wins_and_deleting_the_operator_policy_lifts_its_cap()
    {
        var below = Declare("below", ("x-max-length", 1));
        var above = Declare("above", ("x-max-length", 10));
        PutOperatorPolicy("cap", 0, ("max-length", 3L));

        Assert.That((below.Arguments.MaxLength, above.Arguments.MaxLength), Is.EqualTo(((long?)1, (long?)3)));
        Assert.That(above.EffectivePolicyDefinition, Is.EqualTo(new Dictionary<string, object?> { ["max-length"] = 3L }));

        Assert.That(VirtualHost.DeletePolicy("cap", isOperatorPolicy: true), Is.True);
        Assert.That(above.OperatorPolicy, Is.Null);
        Assert.That(above.Arguments.MaxLength, Is.EqualTo(10));
        Assert.That(above.EffectivePolicyDefinition, Is.Empty);
    }

    [Test]
    public void Keys_operator_policies_may_not_set_are_refused_with_RabbitMQs_reason()
    {
        var ex = Assert.Throws<ParameterValidationException>(() => OperatorPolicies.Compile(Parameter("""{"pattern":".*","priority":0,"definition":{"dead-letter-exchange":"x","max-length":1}}"""), VersionProfile.Default));
        Assert.That(ex!.Message, Is.EqualTo("""[{<<"dead-letter-exchange">>,<<"x">>}] are not recognised policy settings"""));

        ex = Assert.Throws<ParameterValidationException>(() => OperatorPolicies.Compile(Parameter("""{"pattern":".*","priority":0,"definition":{"max-length":-1}}"""), VersionProfile.Default));
        Assert.That(ex!.Message, Is.EqualTo("-1 is not a valid maximum length"));

        ex = Assert.Throws<ParameterValidationException>(() => OperatorPolicies.Compile(Parameter("""{"pattern":".*","priority":0,"definition":{}}"""), VersionProfile.Default));
        Assert.That(ex!.Message, Is.EqualTo("no policy provided"));
    }

    [Test]
    public void Every_key_RabbitMQ_allows_in_an_operator_policy_is_accepted()
    {
        var compiled = OperatorPolicies.Compile(
            Parameter("""{"pattern":"^q","priority":1,"apply-to":"queues","definition":{"expires":1,"message-ttl":0,"max-length":0,"max-length-bytes":0,"max-in-memory-length":0,"max-in-memory-bytes":0,"delivery-limit":0}}"""),
            VersionProfile.Default);

        Assert.That(compiled.Policy.Definition.Keys, Is.EquivalentTo(OperatorPolicies.Keys));
        Assert.That((compiled.Policy.ApplyTo, compiled.Policy.Priority), Is.EqualTo((PolicyApplyTo.Queues, 1)));
    }

    /// <summary>
    /// rabbit_policies.erl from v3.13.0 (commits 8c6ba6daca, cffc77d396): queue-version and overflow are allowed, and
    /// the operator's value is in force, even where it is the larger number (merge_policy_value/3 takes OpVal).
    /// </summary>
    [Test]
    public void From_3_13_an_operator_policys_queue_version_and_overflow_replace_the_policys()
    {
        const string Json = """{"pattern":".*","priority":0,"definition":{"overflow":"reject-publish","queue-version":2}}""";
        Assert.Throws<ParameterValidationException>(() => OperatorPolicies.Compile(Parameter(Json), VersionProfile.For(new RabbitMqRelease(3, 10))));
        var compiled = OperatorPolicies.Compile(Parameter(Json), VersionProfile.For(new RabbitMqRelease(3, 13)));
        PutPolicy("user", ("overflow", "drop-head"), ("max-length", 1L), ("queue-version", 1L));
        VirtualHost.PutPolicy(compiled, isOperatorPolicy: true);

        var queue = Declare("q");

        Assert.That(queue.EffectivePolicyDefinition["overflow"], Is.EqualTo("reject-publish"));
        Assert.That(queue.EffectivePolicyDefinition["queue-version"], Is.EqualTo(2L));
        Assert.That(queue.Arguments.Overflow, Is.EqualTo(Core.Queues.OverflowBehaviour.RejectPublish));
    }

    private static RuntimeParameter Parameter(string json) => RuntimeParameter.FromJson(OperatorPolicies.Component, "/", "op", json);

    private void PutPolicy(string name, params (string Key, object? Value)[] definition) =>
        VirtualHost.PutPolicy(PolicyValidator.Compile(new Policy("/", name, ".*", PolicyApplyTo.All, 0, definition.ToDictionary(d => d.Key, d => d.Value))));

    private void PutOperatorPolicy(string name, int priority, params (string Key, object? Value)[] definition)
    {
        var value = JsonSerializer.Serialize(new { pattern = ".*", priority, definition = definition.ToDictionary(d => d.Key, d => d.Value) });
        VirtualHost.PutPolicy(OperatorPolicies.Compile(RuntimeParameter.FromJson(OperatorPolicies.Component, "/", name, value), VersionProfile.Default), isOperatorPolicy: true);
    }
}
