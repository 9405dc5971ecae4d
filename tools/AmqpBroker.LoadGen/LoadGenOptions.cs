using System.Globalization;

namespace AmqpBroker.LoadGen;

/// <summary>The scenario one run executes, as given on the command line.</summary>
internal sealed class LoadGenOptions
{
    public const string Usage = """
        Usage: AmqpBroker.LoadGen [options]
          --uri URI            broker to load (default amqp://guest:guest@127.0.0.1:5672/)
          --publishers N       publishing connections (default 1; 0 only consumes, e.g. to drain a --queue)
          --consumers N        consuming connections (default 1; 0 lets the queue fill up)
          --size BYTES         message body size (default 16; >= 8 carries a send timestamp)
          --duration SECONDS   measured window; every loop stops when it ends (default 10)
          --ack auto|manual    consumer acknowledgement mode (default auto)
          --multiple-ack N     with --ack manual, ack every Nth delivery with multiple=true (default 1)
          --prefetch N         basic.qos prefetch count per consumer (default 0 = no basic.qos)
          --confirm            publisher confirms, at most --max-inflight unconfirmed per publisher
          --max-inflight N     outstanding confirms per publisher (default 1000)
          --persistent         delivery mode 2
          --durable            declare the queue durable
          --queue-type TYPE    declare the queue with x-queue-type TYPE (classic, quorum, stream; quorum and
                               stream need --durable; a stream's consumers need --ack manual and --prefetch)
          --queue NAME         queue to use (default a unique name); declared at start, deleted at end
          --queues N           spread the work over N queues (NAME-1 .. NAME-N): publisher and consumer i use
                               queue ((i - 1) mod N) + 1 (default 1, the queue itself)
          --publish-only       no queue and no consumers: publish to a routing key nothing is bound to,
                               so the broker drops each message; shows the publisher side's ceiling
          --rate N             publish rate limit per publisher in msg/s (default 0 = unlimited)
          --count N            each publisher stops after N messages (and, with --confirm, their confirms);
                               the window closes when all have, or at --duration (default 0 = no limit)
          --keep-queue         leave the queue and its messages behind at the end (needs --queue)
          --scenario NAME      a preset, expanded where it stands so later options override it:
                               persistent-confirms = --size 1024 --persistent --durable --confirm
                                 --max-inflight 1000 --ack manual --prefetch 1000 (issue 5's benchmark)
          --await-messages N   no load: poll --queue (retrying while the broker is down) until it holds N
                               messages or --duration ends, and print when the broker first answered and
                               when the count was reached, in Unix milliseconds (times a recovery)
          --raw                publishers and consumers write and read pre-encoded frames on bare sockets
                               instead of using RabbitMQ.Client (~6 us of CPU per message), so the broker is
                               what is measured; not with --rate
          --json               also print the final summary as one JSON line
        """;

    // Like RabbitMQ PerfTest's `--size 1024 --flag persistent --confirm 1000 --qos 1000` without --autoack.
    private static readonly Dictionary<string, string[]> Scenarios = new(StringComparer.Ordinal)
    {
        ["persistent-confirms"] =
            ["--size", "1024", "--persistent", "--durable", "--confirm", "--max-inflight", "1000", "--ack", "manual", "--prefetch", "1000"],
    };

    public Uri Uri { get; private set; } = new("amqp://guest:guest@127.0.0.1:5672/");
    public int Publishers { get; private set; } = 1;
    public int Consumers { get; private set; } = 1;
    public int Size { get; private set; } = 16;
    public int DurationSeconds { get; private set; } = 10;
    public AckMode Ack { get; private set; } = AckMode.Auto;
    public int MultipleAck { get; private set; } = 1;
    public ushort Prefetch { get; private set; }
    public bool Confirm { get; private set; }
    public int MaxInflight { get; private set; } = 1000;
    public bool Persistent { get; private set; }
    public bool Durable { get; private set; }
    public string? QueueType { get; private set; }
    public string? Queue { get; private set; }
    public int Queues { get; private set; } = 1;
    public bool PublishOnly { get; private set; }
    public int Rate { get; private set; }
    public long Count { get; private set; }
    public bool KeepQueue { get; private set; }
    public long AwaitMessages { get; private set; }
    public bool Json { get; private set; }
    public bool Raw { get; private set; }

    /// <summary>Parses the command line; throws <see cref="ArgumentException"/> with a message fit for the user.</summary>
    public static LoadGenOptions Parse(IReadOnlyList<string> commandLine)
    {
        var o = new LoadGenOptions();
        var args = ExpandScenarios(commandLine);
        for (var i = 0; i < args.Count; i++)
        {
            var name = args[i];
            string Value() => ++i < args.Count ? args[i] : throw new ArgumentException($"{name} needs a value");
            switch (name)
            {
                case "--uri": o.Uri = ParseUri(Value()); break;
                case "--publishers": o.Publishers = ParseInt(name, Value(), 0); break;
                case "--consumers": o.Consumers = ParseInt(name, Value(), 0); break;
                case "--size": o.Size = ParseInt(name, Value(), 0); break;
                case "--duration": o.DurationSeconds = ParseInt(name, Value(), 1); break;
                case "--ack": o.Ack = ParseAck(Value()); break;
                case "--multiple-ack": o.MultipleAck = ParseInt(name, Value(), 1); break;
                case "--prefetch": o.Prefetch = (ushort)ParseInt(name, Value(), 0, ushort.MaxValue); break;
                case "--confirm": o.Confirm = true; break;
                case "--max-inflight": o.MaxInflight = ParseInt(name, Value(), 1); break;
                case "--persistent": o.Persistent = true; break;
                case "--durable": o.Durable = true; break;
                case "--queue-type": o.QueueType = Value(); break;
                case "--queue": o.Queue = Value(); break;
                case "--queues": o.Queues = ParseInt(name, Value(), 1); break;
                case "--publish-only": o.PublishOnly = true; break;
                case "--rate": o.Rate = ParseInt(name, Value(), 0); break;
                case "--count": o.Count = ParseLong(name, Value()); break;
                case "--keep-queue": o.KeepQueue = true; break;
                case "--await-messages": o.AwaitMessages = ParseLong(name, Value()); break;
                case "--json": o.Json = true; break;
                case "--raw": o.Raw = true; break;
                default: throw new ArgumentException($"unknown option {name}");
            }
        }

        if (o.PublishOnly)
        {
            o.Consumers = 0;
        }
        if (o.MultipleAck > 1 && o.Ack != AckMode.Manual)
        {
            throw new ArgumentException("--multiple-ack needs --ack manual");
        }
        // The broker stops delivering once prefetch deliveries are unacked, so acking every N > prefetch would stall.
        if (o.Prefetch > 0 && o.MultipleAck > o.Prefetch)
        {
            throw new ArgumentException("--multiple-ack must not exceed --prefetch");
        }
        if (o.Raw && o.Rate > 0)
        {
            throw new ArgumentException("--rate paces single publishes; the raw publisher sends in batches");
        }
        if (o.Publishers == 0 && (o.Consumers == 0 || o.Queue is null))
        {
            throw new ArgumentException("--publishers 0 needs consumers and --queue (a queue that already holds messages)");
        }
        if (o.Queues > 1 && o.AwaitMessages > 0)
        {
            throw new ArgumentException("--await-messages polls one queue; not with --queues");
        }
        if ((o.KeepQueue || o.AwaitMessages > 0) && o.Queue is null)
        {
            throw new ArgumentException("--keep-queue and --await-messages need --queue");
        }
        return o;
    }

    private static List<string> ExpandScenarios(IReadOnlyList<string> args)
    {
        var expanded = new List<string>();
        for (var i = 0; i < args.Count; i++)
        {
            if (args[i] != "--scenario")
            {
                expanded.Add(args[i]);
                continue;
            }
            var name = ++i < args.Count ? args[i] : throw new ArgumentException("--scenario needs a value");
            expanded.AddRange(Scenarios.TryGetValue(name, out var preset)
                ? preset
                : throw new ArgumentException($"unknown scenario {name}; known: {string.Join(", ", Scenarios.Keys)}"));
        }
        return expanded;
    }

    private static Uri ParseUri(string text) =>
        Uri.TryCreate(text, UriKind.Absolute, out var uri) && uri.Scheme is "amqp" or "amqps"
            ? uri
            : throw new ArgumentException($"--uri {text} is not an amqp:// URI");

    private static AckMode ParseAck(string text) => text switch
    {
        "auto" => AckMode.Auto,
        "manual" => AckMode.Manual,
        _ => throw new ArgumentException("--ack must be auto or manual"),
    };

    private static long ParseLong(string name, string text) =>
        long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw new ArgumentException($"{name} must be a whole number");

    private static int ParseInt(string name, string text, int min, int max = int.MaxValue) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max
            ? value
            : throw new ArgumentException($"{name} must be an integer from {min} to {max}");
}
