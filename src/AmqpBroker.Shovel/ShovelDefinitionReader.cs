using System.Globalization;
using System.Text.Json;
using AmqpBroker.Core.Parameters;
using AmqpBroker.Core.Profiles;

namespace AmqpBroker.Shovel;

/// <summary>
/// Validates a shovel parameter's value with RabbitMQ's rules and reasons (rabbit_shovel_parameters) and
/// reads it into a <see cref="ShovelDefinition"/>. Only AMQP 0-9-1 ends are supported; the deprecated pre-3.7
/// names (<c>delete-after</c>, <c>prefetch-count</c>, <c>add-forward-headers</c>, <c>add-timestamp-header</c>)
/// are read as RabbitMQ reads them. <c>src-delete-after-duration</c> is known only where the profile has it (4.3.5).
/// Every problem is reported, one a line, in RabbitMQ's order (rabbit_shovel_parameters:validate and
/// rabbit_parameter_validation:proplist, the same from 3.10.8 to 4.3.5): the source's and the destination's shape, then
/// the unknown keys, then each key's own problem in the reverse of the order the keys are checked in.
/// </summary>
internal static class ShovelDefinitionReader
{
    private static readonly string[] AckModes = ["no-ack", "on-publish", "on-confirm"];
    private static readonly string[] Protocols = ["amqp10", "amqp091"];

    private const string DeleteAfterDurationKey = "src-delete-after-duration";

    /// <summary>The longest duration: rabbit_misc:check_expiry's limit of ten years in milliseconds, in seconds.</summary>
    private const long MaxDeleteAfterDurationSeconds = 315_360_000;

    private static readonly HashSet<string> KnownKeys = new(StringComparer.Ordinal)
    {
        "src-uri", "src-protocol", "src-queue", "src-queue-args", "src-exchange", "src-exchange-key", "src-consumer-args",
        "src-prefetch-count", "prefetch-count", "src-delete-after", "delete-after",
        "dest-uri", "dest-protocol", "dest-queue", "dest-queue-args", "dest-exchange", "dest-exchange-key",
        "dest-add-forward-headers", "add-forward-headers", "dest-add-timestamp-header", "add-timestamp-header",
        "dest-publish-properties", "publish-properties", "ack-mode", "reconnect-delay",
    };

    /// <summary>Throws <see cref="ParameterValidationException"/> with RabbitMQ's reason when the value is refused.</summary>
    public static ShovelDefinition Read(string name, JsonElement value, VersionProfile profile)
    {
        if (value.ValueKind != JsonValueKind.Object)
        {
            throw Invalid($"{name} should be a map, actually was {ErlangJson.Format(value)}");
        }

        var fields = new ShovelFields(value);
        CheckProtocolsSupported(fields);
        var problems = ShapeProblems(fields).ToList();
        CheckTypes(name, fields, profile);
        problems.AddRange(UnknownTerms(name, fields, profile));
        problems.AddRange(Enumerable.Reverse(fields.Problems));
        if (problems.Count > 0)
        {
            throw Invalid(string.Join('\n', problems));
        }

        var deleteAfter = ReadDeleteAfter(fields.Get("src-delete-after") ?? fields.Get("delete-after"));
        var ackMode = fields.String("ack-mode") switch
        {
            "no-ack" => AckMode.NoAck,
            "on-publish" => AckMode.OnPublish,
            _ => AckMode.OnConfirm,
        };
        return new ShovelDefinition
        {
            SourceUris = Uris(fields.Get("src-uri")!.Value),
            SourceQueue = fields.String("src-queue"),
            SourceExchange = fields.String("src-exchange"),
            SourceExchangeKey = fields.String("src-exchange-key") ?? "",
            SourceQueueArguments = fields.Table("src-queue-args"),
            SourceConsumerArguments = fields.Table("src-consumer-args"),
            PrefetchCount = (ushort)Math.Clamp(fields.Number("src-prefetch-count") ?? fields.Number("prefetch-count") ?? 1000, 0, ushort.MaxValue),
            DeleteAfter = deleteAfter,
            DeleteAfterDuration = fields.Get(DeleteAfterDurationKey) is { } duration ? TimeSpan.FromSeconds(duration.GetInt64()) : null,
            DestinationUris = Uris(fields.Get("dest-uri")!.Value),
            DestinationQueue = fields.String("dest-queue"),
            DestinationQueueArguments = fields.Table("dest-queue-args"),
            DestinationExchange = fields.String("dest-exchange"),
            DestinationExchangeKey = fields.String("dest-exchange-key"),
            AckMode = ackMode,
            AddForwardHeaders = fields.Boolean("dest-add-forward-headers") ?? fields.Boolean("add-forward-headers") ?? false,
            AddTimestampHeader = fields.Boolean("dest-add-timestamp-header") ?? fields.Boolean("add-timestamp-header") ?? false,
            ReconnectDelay = TimeSpan.FromSeconds(fields.Number("reconnect-delay") ?? 5),
        };
    }

    /// <summary>Our own refusal, before any of RabbitMQ's checks: an AMQP 1.0 end is not supported here.</summary>
    private static void CheckProtocolsSupported(ShovelFields fields)
    {
        foreach (var end in new[] { "src-protocol", "dest-protocol" })
        {
            if (fields.String(end) == "amqp10")
            {
                throw Invalid($"{end} amqp10 is not supported by this broker: only amqp091");
            }
        }
    }

    /// <summary>RabbitMQ's checks of both ends (validate_amqp091_src, then validate_amqp091_dest): exactly one source,
    /// no count with no-ack, at most one destination.</summary>
    private static IEnumerable<string> ShapeProblems(ShovelFields fields)
    {
        switch ((fields.Has("src-exchange"), fields.Has("src-queue")))
        {
            case (false, false):
                yield return "Must specify 'src-exchange' or 'src-queue'";
                break;
            case (true, true):
                yield return "Cannot specify 'src-exchange' and 'src-queue'";
                break;
        }

        if ((fields.Get("src-delete-after") ?? fields.Get("delete-after")) is { ValueKind: JsonValueKind.Number } && fields.String("ack-mode") == "no-ack")
        {
            yield return "Cannot specify 'no-ack' and numerical 'delete-after'";
        }

        if (fields.Has("dest-exchange") && fields.Has("dest-queue"))
        {
            yield return "Cannot specify 'dest-exchange' and 'dest-queue'";
        }
    }

    /// <summary>Each key's problem, collected in the order RabbitMQ checks the keys (shovel_validation, then the
    /// source's and the destination's keys).</summary>
    private static void CheckTypes(string name, ShovelFields fields, VersionProfile profile)
    {
        fields.CheckNumber("reconnect-delay");
        fields.CheckEnum("ack-mode", AckModes);
        fields.CheckEnum("src-protocol", Protocols);
        fields.CheckEnum("dest-protocol", Protocols);
        CheckUri(name, fields, "src-uri");
        foreach (var key in new[] { "src-exchange", "src-exchange-key", "src-queue" })
        {
            fields.CheckString(key);
        }

        fields.CheckObject("src-queue-args");
        fields.CheckObject("src-consumer-args");
        fields.CheckNumber("prefetch-count");
        fields.CheckNumber("src-prefetch-count");
        CheckDeleteAfter(fields, "delete-after");
        CheckDeleteAfter(fields, "src-delete-after");
        if (profile.ShovelDeleteAfterDuration)
        {
            CheckDeleteAfterDuration(fields);
        }

        CheckUri(name, fields, "dest-uri");
        foreach (var key in new[] { "dest-exchange", "dest-exchange-key", "dest-queue" })
        {
            fields.CheckString(key);
        }

        fields.CheckObject("dest-queue-args");
        foreach (var key in new[] { "add-forward-headers", "add-timestamp-header", "dest-add-forward-headers", "dest-add-timestamp-header" })
        {
            fields.CheckBoolean(key);
        }

        fields.CheckObject("publish-properties");
        fields.CheckObject("dest-publish-properties");
    }

    /// <summary>The keys RabbitMQ does not know, as one problem; in key order, as Erlang lists a decoded JSON object's keys.</summary>
    private static IEnumerable<string> UnknownTerms(string name, ShovelFields fields, VersionProfile profile)
    {
        var unknown = fields.Keys
            .Where(k => !KnownKeys.Contains(k) && !(profile.ShovelDeleteAfterDuration && k == DeleteAfterDurationKey))
            .Order(StringComparer.Ordinal)
            .ToList();
        if (unknown.Count > 0)
        {
            yield return $"Unrecognised terms [{string.Join(',', unknown.Select(k => $"{{<<\"{k}\">>,{ErlangJson.Format(fields.Get(k)!.Value)}}}"))}] in {name}";
        }
    }

    /// <summary>validate_uri: a URI or a list of them; a list reports its first bad element only.</summary>
    private static void CheckUri(string name, ShovelFields fields, string key)
    {
        if (fields.Get(key) is not { } value)
        {
            fields.Problems.Add($"Key \"{key}\" not found in {name}");
            return;
        }

        var elements = value.ValueKind == JsonValueKind.Array ? [.. value.EnumerateArray()] : new List<JsonElement> { value };
        foreach (var element in elements)
        {
            if (element.ValueKind != JsonValueKind.String)
            {
                fields.Problems.Add($"{key} should be list, actually was {ErlangJson.Format(element)}");
                return;
            }

            if (ShovelUri.TryParse(element.GetString()!, out var error) is null)
            {
                fields.Problems.Add(error!);
                return;
            }
        }
    }

    private static void CheckDeleteAfter(ShovelFields fields, string key)
    {
        if (fields.Get(key) is { } value && !TryReadDeleteAfter(value, out _))
        {
            fields.Problems.Add($"{key} should be a number greater than or equal to 0, \"never\" or \"queue-length\", actually was {ErlangJson.Format(value)}");
        }
    }

    /// <summary>rabbit_shovel_util:validate_delete_after_duration at v4.3.5: a positive integer of seconds, at most ten years.</summary>
    private static void CheckDeleteAfterDuration(ShovelFields fields)
    {
        if (fields.Get(DeleteAfterDurationKey) is not { } value)
        {
            return;
        }

        var text = value.GetRawText();
        var integer = value.ValueKind == JsonValueKind.Number && text.All(char.IsAsciiDigit);
        if (!integer || text.TrimStart('0').Length == 0)
        {
            fields.Problems.Add($"{DeleteAfterDurationKey} should be a positive integer (seconds), actually was {ErlangJson.Format(value)}");
            return;
        }

        if (!long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) || seconds > MaxDeleteAfterDurationSeconds)
        {
            fields.Problems.Add($"{DeleteAfterDurationKey} is {text.TrimStart('0')} seconds, which exceeds the maximum supported duration");
        }
    }

    private static DeleteAfter ReadDeleteAfter(JsonElement? value) =>
        value is { } element && TryReadDeleteAfter(element, out var deleteAfter) ? deleteAfter : DeleteAfter.Never;

    private static bool TryReadDeleteAfter(JsonElement value, out DeleteAfter deleteAfter)
    {
        deleteAfter = DeleteAfter.Never;
        switch (value.ValueKind)
        {
            case JsonValueKind.String when value.GetString() == "never":
                return true;
            case JsonValueKind.String when value.GetString() == "queue-length":
                deleteAfter = DeleteAfter.QueueLength;
                return true;
            case JsonValueKind.Number when value.TryGetInt64(out var count) && count >= 0:
                deleteAfter = DeleteAfter.Messages(count);
                return true;
            default:
                return false;
        }
    }

    private static List<ShovelUri> Uris(JsonElement value) => value.ValueKind == JsonValueKind.String
        ? [ShovelUri.TryParse(value.GetString()!, out _)!]
        : [.. value.EnumerateArray().Select(e => ShovelUri.TryParse(e.GetString()!, out _)!)];

    private static ParameterValidationException Invalid(string reason) => new(reason);

    /// <summary>The value's fields, with type checks that collect RabbitMQ's reasons in <see cref="Problems"/>.</summary>
    private sealed class ShovelFields(JsonElement value)
    {
        /// <summary>The problems found so far, in the order the keys were checked.</summary>
        public List<string> Problems { get; } = [];

        public IEnumerable<string> Keys => value.EnumerateObject().Select(p => p.Name);

        public bool Has(string key) => Get(key) is not null;

        public JsonElement? Get(string key) => value.TryGetProperty(key, out var field) && field.ValueKind != JsonValueKind.Null ? field : null;

        public string? String(string key) => Get(key) is { ValueKind: JsonValueKind.String } field ? field.GetString() : null;

        public bool? Boolean(string key) => Get(key) is { ValueKind: JsonValueKind.True or JsonValueKind.False } field ? field.GetBoolean() : null;

        public double? Number(string key) => Get(key) is { ValueKind: JsonValueKind.Number } field ? field.GetDouble() : null;

        public Dictionary<string, object?> Table(string key) =>
            Get(key) is { ValueKind: JsonValueKind.Object } field ? ErlangJson.ToTable(field) : new Dictionary<string, object?>();

        public void CheckString(string key) => Check(key, JsonValueKind.String, "binary");

        public void CheckNumber(string key) => Check(key, JsonValueKind.Number, "a number");

        public void CheckObject(string key) => Check(key, JsonValueKind.Object, "a map");

        public void CheckBoolean(string key)
        {
            if (Get(key) is { } field && field.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
            {
                Problems.Add($"{key} should be boolean, actually was {ErlangJson.Format(field)}");
            }
        }

        /// <summary>rabbit_parameter_validation:enum: a string, one of <paramref name="allowed"/>.</summary>
        public void CheckEnum(string key, string[] allowed)
        {
            if (Get(key) is not { } field)
            {
                return;
            }

            if (field.ValueKind != JsonValueKind.String)
            {
                CheckString(key);
            }
            else if (!allowed.Contains(field.GetString()))
            {
                var list = string.Join(',', allowed.Select(a => $"<<\"{a}\">>"));
                Problems.Add($"{key} should be one of [{list}], actually was {ErlangJson.Format(field)}");
            }
        }

        private void Check(string key, JsonValueKind kind, string what)
        {
            if (Get(key) is { } field && field.ValueKind != kind)
            {
                Problems.Add($"{key} should be {what}, actually was {ErlangJson.Format(field)}");
            }
        }
    }
}

/// <summary>JSON values as RabbitMQ's validation messages print them (Erlang terms), and as AMQP argument tables.</summary>
internal static class ErlangJson
{
    public static string Format(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => $"<<\"{value.GetString()}\">>",
        JsonValueKind.True => "true",
        JsonValueKind.False => "false",
        JsonValueKind.Null => "null",
        JsonValueKind.Array => $"[{string.Join(',', value.EnumerateArray().Select(Format))}]",
        JsonValueKind.Object => $"#{{{string.Join(',', value.EnumerateObject().Select(p => $"<<\"{p.Name}\">> => {Format(p.Value)}"))}}}",
        _ => value.GetRawText(),
    };

    /// <summary>A JSON object as an AMQP field table: strings, integers (long), floats, booleans, nested tables and arrays.</summary>
    public static Dictionary<string, object?> ToTable(JsonElement value) =>
        value.EnumerateObject().ToDictionary(p => p.Name, p => ToField(p.Value), StringComparer.Ordinal);

    private static object? ToField(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString(),
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        JsonValueKind.Number when value.TryGetInt64(out var integer) => integer,
        JsonValueKind.Number => value.GetDouble(),
        JsonValueKind.Object => ToTable(value),
        JsonValueKind.Array => value.EnumerateArray().Select(ToField).ToList(),
        _ => null,
    };
}
