namespace AmqpBroker.Core.Testing.Recording;

/// <summary>
/// What the recording of one channel keeps to tie commands together: which queue each consumer tag reads,
/// the deliveries not yet settled (by delivery tag) and, once confirm.select was seen, the publishes not yet
/// confirmed (by publish sequence number). Guarded by its connection recording's lock.
/// </summary>
internal sealed class ChannelRecording
{
    private readonly Dictionary<string, Source> _consumers = new(StringComparer.Ordinal);
    private readonly SortedDictionary<ulong, RecordedCommand> _unsettled = [];
    private readonly SortedDictionary<ulong, RecordedCommand> _unconfirmed = [];
    private Source? _pendingConsume;
    private Source? _pendingGet;
    private bool _confirming;
    private ulong _publishSequence;

    /// <summary>A publish whose content is still arriving.</summary>
    public ContentInProgress? Incoming { get; set; }

    /// <summary>The queue a delivery to the client comes from, where the consume or get was seen.</summary>
    public string? QueueOf(string method, string? consumerTag) => method switch
    {
        "basic.deliver" when consumerTag is not null => _consumers.GetValueOrDefault(consumerTag)?.Queue,
        "basic.get-ok" => _pendingGet?.Queue,
        _ => null,
    };

    /// <summary>Follows one complete command; returns the earlier commands it settled or confirmed (their answers are set).</summary>
    public IReadOnlyList<RecordedCommand> Follow(RecordedCommand command)
    {
        var fromClient = command.Direction == RecordedDirection.FromClient;
        switch (command.Method)
        {
            case "confirm.select" when fromClient:
                _confirming = true;
                break;
            case "basic.publish" when _confirming:
                _unconfirmed[++_publishSequence] = command;
                break;
            case "basic.consume":
                var source = new Source((string)command.Argument("queue")!, command.Argument("no-ack") is true);
                _pendingConsume = source;
                if (command.Argument("no-wait") is true)
                {
                    _consumers[command.ConsumerTag!] = source;
                }

                break;
            case "basic.consume-ok" when _pendingConsume is { } consume:
                _consumers[command.ConsumerTag!] = consume;
                break;
            case "basic.get":
                _pendingGet = new Source((string)command.Argument("queue")!, command.Argument("no-ack") is true);
                break;
            case "basic.deliver" when _consumers.GetValueOrDefault(command.ConsumerTag!) is not { NoAck: true }:
            case "basic.get-ok" when _pendingGet is not { NoAck: true }:
                _unsettled[command.DeliveryTag] = command;
                break;
            case "basic.ack" or "basic.nack" or "basic.reject":
                var multiple = command.Argument("multiple") is true;
                return fromClient
                    ? Answer(_unsettled, command, multiple, static (c, answer) => c.Settlement = answer)
                    : Answer(_unconfirmed, command, multiple, static (c, answer) => c.Confirmation = answer);
        }

        return [];
    }

    private static List<RecordedCommand> Answer(SortedDictionary<ulong, RecordedCommand> waiting, RecordedCommand answer, bool multiple, Action<RecordedCommand, RecordedCommand> set)
    {
        var tag = answer.DeliveryTag;
        var answered = multiple
            ? waiting.Where(p => tag == 0 || p.Key <= tag).Select(p => p.Key).ToList()
            : waiting.ContainsKey(tag) ? [tag] : [];
        List<RecordedCommand> commands = [];
        foreach (var key in answered)
        {
            var command = waiting[key];
            waiting.Remove(key);
            set(command, answer);
            commands.Add(command);
        }

        return commands;
    }

    private sealed record Source(string Queue, bool NoAck);
}
