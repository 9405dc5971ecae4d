using AmqpBroker.Core.Errors;
using AmqpBroker.Core.Profiles;

namespace AmqpBroker.Shovel;

/// <summary>
/// Why a running shovel stopped, and the <c>reason</c> its status shows for it: the Erlang term RabbitMQ's worker reports,
/// as the management plugin prints it with <c>~p</c>/<c>~tp</c> from column 0 (rabbit_shovel_mgmt_util:format_info).
/// </summary>
internal abstract record ShovelFailure
{
    /// <summary>The source consumer was cancelled (its queue was deleted): RabbitMQ's worker stops with <c>{shutdown,restart}</c>.</summary>
    public static ShovelFailure NeedsRestart { get; } = new Restart();

    /// <summary>The status reason as the release prints it; null where the release reports nothing (the status stays as it was).</summary>
    public abstract string? Reason(VersionProfile profile);

    private sealed record Restart : ShovelFailure
    {
        public override string Reason(VersionProfile profile) => ErlangText.Quoted("needed a restart");
    }
}

/// <summary>
/// The server closed one of the shovel's connections (an operator through the API, a deleted vhost or user, a broker
/// shutting down): RabbitMQ 3.10.8 shows <c>{shutdown,{server_initiated_close,320,Text}}</c>, 4.3.5 the inner tuple
/// (<see cref="VersionProfile.ShovelCloseReasonUnwrapped"/>). Over a network connection the text is the reply text, a
/// binary; over a direct one (a URI without a host) it is the text the broker closed it with, a string without the
/// <c>CONNECTION_FORCED - </c> prefix (amqp_direct_connection:server_close, rabbit_connection_tracking:close_connection).
/// Checked against RabbitMQ 3.10.8, whose terms <c>~p</c> breaks before the text past column 78, as OTP 25's erl does.
/// </summary>
internal sealed record ConnectionClosedByServer(ushort Code, string Text, bool Direct) : ShovelFailure
{
    private const string ForcedPrefix = "CONNECTION_FORCED - ";

    /// <summary>The last column a term printed on one line may reach (io_lib_pretty, line length 80).</summary>
    private const int LineEnd = 78;

    public override string Reason(VersionProfile profile)
    {
        var text = Direct
            ? ErlangText.Quoted(Text.StartsWith(ForcedPrefix, StringComparison.Ordinal) ? Text[ForcedPrefix.Length..] : Text)
            : ErlangText.Binary(Text);
        var (open, close) = profile.ShovelCloseReasonUnwrapped ? ("", "") : ("{shutdown,", "}");
        var tag = $"{open}{{server_initiated_close,";
        var flat = $"{tag}{Code},{text}}}{close}";
        return flat.Length <= LineEnd
            ? flat
            : $"{tag}{Code},\n{new string(' ', tag.Length)}{text}}}{close}"; // the text goes under the code, the column after the tag
    }
}

/// <summary>
/// The server closed one of the shovel's channels (a publish to a missing exchange, …): RabbitMQ's worker stops with the
/// reply text, a binary (<see cref="VersionProfile.ShovelAnyChannelCloseStops"/> says for which reply codes).
/// </summary>
internal sealed record ChannelClosedByServer(string Text) : ShovelFailure
{
    public override string Reason(VersionProfile profile) => ErlangText.Binary(Text);
}

/// <summary>
/// A delivery arrived while the destination channel was gone (a close RabbitMQ 3.10.8 ignores): its worker crashes on the
/// publish with <c>{noproc,{gen_server,call,[…]}}</c>, a term with process ids and the whole message, of which only the
/// first word is reproduced.
/// </summary>
internal sealed record PublishedToClosedChannel : ShovelFailure
{
    public override string Reason(VersionProfile profile) => "noproc";
}

/// <summary>
/// A connection lost without a close from the server (the socket closed or failed, a broker gone): amqp_network_connection
/// stops with <c>socket_closed_unexpectedly</c>, which rabbit_shovel_worker reports as <c>"socket closed"</c> from 3.13.2,
/// as it is on 4.3.5, and not at all before (<see cref="VersionProfile.ShovelLostConnectionReported"/>).
/// <paramref name="Description"/> is what the client said, for the log.
/// </summary>
internal sealed record ConnectionLost(string Description) : ShovelFailure
{
    public override string? Reason(VersionProfile profile) => profile switch
    {
        { ShovelLostConnectionReported: false } => null,
        { ShovelCloseReasonUnwrapped: true } => "socket_closed_unexpectedly",
        _ => ErlangText.Quoted("socket closed"),
    };
}
