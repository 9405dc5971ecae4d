using AmqpBroker.Core.Profiles;

namespace AmqpBroker.Shovel.Tests;

/// <summary>
/// A stopped shovel's status reason as RabbitMQ prints the worker's Erlang term (rabbit_shovel_mgmt_util:format_info,
/// <c>~p</c> from column 0): on one line while it ends by column 78, else with the text under the close's code. The 3.10
/// cases are what RabbitMQ 3.10.8 showed in /api/shovels after <c>DELETE /api/connections/{name}</c> of a shovel's
/// network (<c>amqp://guest:guest@host</c>) and direct (<c>amqp://</c>) connection; the line breaks are those of
/// <c>io_lib:format("~p", …)</c> in OTP 25's erl. 4.3.5 drops the <c>{shutdown,…}</c> around the close
/// (rabbit_amqp091_shovel:unwrap_shutdown at v4.3.5, release-notes/4.3.5.md #17028).
/// </summary>
public sealed class ShovelFailureTests
{
    private static readonly VersionProfile V310 = VersionProfile.For(new RabbitMqRelease(3, 10));

    private static readonly string Under34 = new(' ', 34);

    [TestCase("3.10", "CONNECTION_FORCED - Closed via management plugin", false, "{shutdown,{server_initiated_close,320,\n{34}<<\"CONNECTION_FORCED - Closed via management plugin\">>}}")]
    [TestCase("3.10", "CONNECTION_FORCED - probe closed it", false, "{shutdown,{server_initiated_close,320,\n{34}<<\"CONNECTION_FORCED - probe closed it\">>}}")]
    [TestCase("3.10", "CONNECTION_FORCED - ab", false, "{shutdown,{server_initiated_close,320,<<\"CONNECTION_FORCED - ab\">>}}")]
    [TestCase("3.10", "CONNECTION_FORCED - Closed via management plugin", true, "{shutdown,{server_initiated_close,320,\"Closed via management plugin\"}}")]
    [TestCase("3.10", "CONNECTION_FORCED - probe closed it", true, "{shutdown,{server_initiated_close,320,\"probe closed it\"}}")]
    [TestCase("4.2", "CONNECTION_FORCED - Closed via management plugin", true, "{shutdown,{server_initiated_close,320,\"Closed via management plugin\"}}")]
    [TestCase("4.3", "CONNECTION_FORCED - Closed via management plugin", false, "{server_initiated_close,320,\n{24}<<\"CONNECTION_FORCED - Closed via management plugin\">>}")]
    [TestCase("4.3", "CONNECTION_FORCED - probe closed it", false, "{server_initiated_close,320,<<\"CONNECTION_FORCED - probe closed it\">>}")]
    [TestCase("4.3", "CONNECTION_FORCED - Closed via management plugin", true, "{server_initiated_close,320,\"Closed via management plugin\"}")]
    public void A_connection_the_server_closed_is_shown_as_the_release_prints_it(string release, string text, bool direct, string expected)
    {
        var reason = new ConnectionClosedByServer(320, text, direct).Reason(VersionProfile.For(RabbitMqRelease.Parse(release)));

        var indented = expected.Replace("{34}", Under34, StringComparison.Ordinal).Replace("{24}", new string(' ', 24), StringComparison.Ordinal);
        Assert.That(reason, Is.EqualTo(indented));
    }

    [Test]
    public void The_line_breaks_past_column_78_as_erl_does()
    {
        // erl: a binary of 32 characters still fits ({shutdown,…} 78 long), one of 33 does not.
        var fits = new ConnectionClosedByServer(320, new string('x', 32), Direct: false).Reason(V310);
        var breaks = new ConnectionClosedByServer(320, new string('x', 33), Direct: false).Reason(V310);

        Assert.That((fits.Length, fits.Contains('\n', StringComparison.Ordinal)), Is.EqualTo((78, false)));
        Assert.That(breaks, Is.EqualTo($"{{shutdown,{{server_initiated_close,320,\n{Under34}<<\"{new string('x', 33)}\">>}}}}"));
    }

    [Test]
    public void Texts_are_escaped_as_erl_prints_them()
    {
        var reason = new ConnectionClosedByServer(320, "a\"b\\c\nd", Direct: true).Reason(V310);

        Assert.That(reason, Is.EqualTo("{shutdown,{server_initiated_close,320,\"a\\\"b\\\\c\\nd\"}}"));
    }

    [Test]
    public void A_closed_channel_shows_its_reply_text_and_a_cancelled_consumer_a_restart_on_every_release()
    {
        foreach (var profile in VersionProfile.All)
        {
            Assert.That(new ChannelClosedByServer("NOT_FOUND - no exchange 'x' in vhost '/'").Reason(profile), Is.EqualTo("<<\"NOT_FOUND - no exchange 'x' in vhost '/'\">>"));
            Assert.That(ShovelFailure.NeedsRestart.Reason(profile), Is.EqualTo("\"needed a restart\""));
        }
    }

    /// <summary>
    /// A socket closed without a close: amqp_network_connection stops with socket_closed_unexpectedly, which
    /// rabbit_shovel_worker:terminate/2 reports as "socket closed" from v3.13.2 to v4.3.4 and not at all at v3.10.8; at
    /// v4.3.5 the reason reaches report_terminated unwrapped (rabbit_amqp091_shovel:unwrap_shutdown) and is shown as it is.
    /// </summary>
    [TestCase("3.10", null)]
    [TestCase("3.13", "\"socket closed\"")]
    [TestCase("4.2", "\"socket closed\"")]
    [TestCase("4.3", "socket_closed_unexpectedly")]
    public void A_lost_connection_is_reported_as_its_release_reports_it(string release, string? expected)
    {
        Assert.That(new ConnectionLost("source connection failed").Reason(VersionProfile.For(RabbitMqRelease.Parse(release))), Is.EqualTo(expected));
    }
}
