using System.Text.RegularExpressions;

namespace AmqpBroker.InteropTests.Fuzzing;

/// <summary>A case that ended differently on this broker and on RabbitMQ.</summary>
internal sealed record FuzzDifference(FuzzCase Case, FuzzOutcome Ours, FuzzOutcome Theirs);

/// <summary>
/// The differences from RabbitMQ the fuzzer found and that are kept on purpose, each with its reason (the README's
/// Bad input section says the same), and how the differential run reports the rest.
/// </summary>
internal static partial class FuzzDifferences
{
    /// <summary>Why this difference is kept, or null when it is not one of the decided ones.</summary>
    public static string? Explain(FuzzDifference difference) => difference switch
    {
        { Case.Kind: "deep-queue-declare" or "deep-consume" or "deep-publish", Ours: { Ending: FuzzEnding.ConnectionClose, ReplyCode: 501 or 502 or 541 } } =>
            "tables nested deeper than 100 levels are refused; RabbitMQ 3.10 has no limit (a queue or consumer of a missing queue then fails with 404, or it crashes)",
        { Case.Kind: "huge-body", Ours: { Ending: FuzzEnding.ChannelClose, ReplyCode: 406 }, Theirs.Ending: FuzzEnding.SocketClosed } =>
            "a body above the maximum message size is refused when its content header announces it; RabbitMQ waits for the whole body, which never comes",
        { Case.Stage: FuzzStage.ChannelOpen, Ours.Ending: FuzzEnding.ConnectionClose, Theirs.Ending: FuzzEnding.SocketClosed } =>
            "RabbitMQ's connection process crashes on this input (its log has a crash report: no function clause in rabbit_binary_parser:parse_table, "
            + "badmatch in decode_properties, unknown_class_id, unknown_method_id) and drops the socket without a close method; we close the connection with a reply code",
        { Case.Kind: "mutated-method", Ours: { Ending: FuzzEnding.ChannelClose, ReplyCode: 404 or 406 }, Theirs.Ending: FuzzEnding.SocketClosed } =>
            "a mutated publish whose content header RabbitMQ's channel cannot decode (a crash that takes the connection with it); we refuse the publish itself first, on its channel",
        { Ours: { Ending: FuzzEnding.ConnectionClose, ReplyCode: 503 or 504 }, Theirs: { Ending: FuzzEnding.ConnectionClose, ReplyCode: 501 or 541 } } =>
            "a method wrong twice (on a channel that is not open, or a server's method, and with arguments that do not decode): both close the connection; "
            + "RabbitMQ decodes the arguments first, we check the channel and the method first",
        { Ours: { Ending: FuzzEnding.ConnectionClose, ReplyCode: 540 }, Theirs: { Ending: FuzzEnding.ConnectionClose, ReplyCode: 501 } } when IsCreditExtension(difference.Case) =>
            "RabbitMQ's framing has three methods of its own in the basic class (60/200-202, basic.credit and its answers, for its AMQP 1.0 plugin): "
            + "it fails to decode their arguments (501); to us they are unknown methods (540)",
        { Ours: { Ending: FuzzEnding.ConnectionClose, ReplyCode: 501 }, Theirs.Ending: FuzzEnding.ChannelClose } when !IsUtf8(difference.Case.Bytes) =>
            "a name or field-table key that is not UTF-8 cannot be decoded (501); RabbitMQ takes the bytes as they are and goes on to a channel error",
        _ => null,
    };

    private static bool IsUtf8(byte[] bytes) => System.Text.Unicode.Utf8.IsValid(bytes);

    /// <summary>Whether the case's first frame is a method frame of class 60 with method id 200, 201 or 202.</summary>
    private static bool IsCreditExtension(FuzzCase fuzzCase) =>
        fuzzCase.Bytes is [1, _, _, _, _, _, _, 0, 60, 0, >= 200 and <= 202, ..];

    /// <summary>The differences grouped by case kind and outcomes, with a count and the first case's bytes.</summary>
    public static string Report(IEnumerable<FuzzDifference> differences) => string.Join(Environment.NewLine, differences
        .GroupBy(d => (d.Case.Kind, d.Case.Stage, d.Ours, d.Theirs))
        .OrderByDescending(g => g.Count())
        .Select(g => $"{g.Count(),5} x {g.Key.Kind} ({g.Key.Stage}): ours {g.Key.Ours}, RabbitMQ {g.Key.Theirs}; e.g. {g.First().Case} {Convert.ToHexString(g.First().Case.Bytes.AsSpan(0, Math.Min(64, g.First().Case.Bytes.Length)))}"));

    /// <summary>Error and critical lines of the broker's console log (an exception nobody expected: no protocol error is logged at these levels).</summary>
    public static IReadOnlyList<string> LoggedFailures(string output) =>
        [.. output.Split(Environment.NewLine).Where(line => FailureLine().IsMatch(line))];

    [GeneratedRegex(@"^(stderr: )?\S*\s*(fail|crit): |Unhandled exception")]
    private static partial Regex FailureLine();
}
