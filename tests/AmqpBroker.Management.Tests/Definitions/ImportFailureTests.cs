using AmqpBroker.Core.Errors;
using AmqpBroker.Core.Profiles;
using AmqpBroker.Management.Definitions;
using AmqpBroker.Protocol.Methods;

namespace AmqpBroker.Management.Tests.Definitions;

/// <summary>
/// The reasons of a definitions import that stops at something other than a validation. RabbitMQ 3.10.8 (checked with
/// curl): the full import answers the Erlang term, the per-vhost one rabbit_definitions:format/1's text; from 3.13.0 both
/// the text (rabbit_definitions:apply_defs and format/1 at v3.13.7, v4.1.8, v4.3.5). The <c>~tp</c> layout of
/// <c>resources_missing</c> was printed with erl (OTP 25).
/// </summary>
public sealed class ImportFailureTests
{
    private static readonly VersionProfile V310 = VersionProfile.For(RabbitMqRelease.Parse("3.10"));
    private static readonly VersionProfile V313 = VersionProfile.For(RabbitMqRelease.Parse("3.13"));

    [Test]
    public void The_3_10_full_import_answers_the_term()
    {
        var failure = new ImportFailure(V310, perVirtualHost: false);

        Assert.That(failure.NoSuchVirtualHost("v").ReasonTerm!.ToJsonString(), Is.EqualTo("""["no_such_vhost","v"]"""));
        Assert.That(failure.NoSuchUser("u").ReasonTerm!.ToJsonString(), Is.EqualTo("""["no_such_user","u"]"""));
        Assert.That(failure.Refused(new AmqpException(ReplyCode.PreconditionFailed, "ab")).ReasonTerm!.ToJsonString(), Is.EqualTo("""["amqp_error","precondition_failed",[97,98],"none"]"""));
    }

    [TestCase("3.10", true)]
    [TestCase("3.13", false)]
    [TestCase("4.3", false)]
    public void A_formatted_failure_is_rabbit_definitions_format(string release, bool perVirtualHost)
    {
        var failure = new ImportFailure(VersionProfile.For(RabbitMqRelease.Parse(release)), perVirtualHost);

        var reasons = new[] { failure.NoSuchVirtualHost("v"), failure.NoSuchUser("a\"b"), failure.Refused(new AmqpException(ReplyCode.CommandInvalid, "unknown exchange type 'zz'")) };

        Assert.That(reasons.Select(r => r.ReasonTerm), Has.All.Null);
        Assert.That(reasons.Select(r => r.Reason), Is.EqualTo(new[]
        {
            "Please create virtual host \"v\" prior to importing definitions.",
            "{no_such_user,<<\"a\\\"b\">>}",
            "command_invalid: unknown exchange type 'zz'",
        }));
    }

    [Test]
    public void Missing_binding_ends_are_printed_as_tp_prints_them()
    {
        var one = ImportFailure.ResourcesMissing("/", [("exchange", "x")]);
        var both = ImportFailure.ResourcesMissing("/", [("exchange", "mp-nox"), ("queue", "mp-q")]);

        Assert.That(one.Reason, Is.EqualTo("""{resources_missing,[{not_found,{resource,<<"/">>,exchange,<<"x">>}}]}"""));
        Assert.That(both.Reason, Is.EqualTo("""
            {resources_missing,[{not_found,{resource,<<"/">>,exchange,<<"mp-nox">>}},
                                {not_found,{resource,<<"/">>,queue,<<"mp-q">>}}]}
            """));
        Assert.That(V313.DefinitionImportChecksBindings && !V310.DefinitionImportChecksBindings, Is.True);
    }
}
