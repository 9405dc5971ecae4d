using System.Globalization;
using System.Text.Json;
using AmqpBroker.Core.Parameters;
using AmqpBroker.Core.Profiles;

namespace AmqpBroker.Shovel;

/// <summary>
/// Validates a shovel parameter's value with RabbitMQ's rules and reasons (rabbit_shovel_parameters) and
/// reads it into a <see cref="ShovelDefinition"/>. Only AMQP 0-9-1 ends are supported; the deprecated pre-3.7
/// names (<c>delete-after</c>, <c>prefetch-count</c>, <c>add-forward-headers</c>, <c>add-timestamp-header</c>)
/// are read as RabbitMQ reads them. <c>src-delete-after-duration</c> is known only where the profile has it (4.3.5), and so are
/// <c>internal</c> and <c>internal_owner</c> (4.2, <see cref="ShovelInternalKeys"/>).
/// Every problem is reported, one a line, in RabbitMQ's order (rabbit_shovel_parameters:validate and
/// rabbit_parameter_validation:proplist, the same from 3.10.8 to 4.3.5): the source's and the destination's shape, then
/// the unknown keys, then each key's own problem in the reverse of the order the keys are checked in.
/// </summary>
internal static class ShovelDefinitionReader
{
    private static readonly string[] AckModes = ["no-ack", "on-publish", "on-confirm"];

    /// <summary>The basic properties validate_properties takes, in its order; the rest are strings.</summary>
    private static readonly (string Name, bool IsNumber)[] PublishProperties =
    [
        ("content_type", false), ("content_encoding", false), ("delivery_mode", true), ("priority", true),
        ("correlation_id", false), ("reply_to", false), ("expiration", false), ("message_id", false),
        ("timestamp", true), ("type", false), ("user_id", false), ("app_id", false), ("cluster_id", false),
    ];

    private const string DeleteAfterDurationKey = "src-delete-after-duration";

    private const string SourcePredeclaredKey = "src-predeclared";

    private const string DestinationPredeclaredKey = "dest-predeclared";

    private const string ConsumerNameKey = "src-consumer-name";

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
        ShovelProtocols.Check(fields, profile);
        var problems = ShapeProblems(fields).ToList();
        CheckTypes(name, fields, profile);
        problems.AddRange(UnknownTerms(name, fields, profile));
        problems.AddRange(fields.Reported);
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
            SourceConsumerName = fields.String(ConsumerNameKey) ?? "",
            SourcePredeclared = fields.Boolean(SourcePredeclaredKey) ?? false,
            DestinationPredeclared = fields.Boolean(DestinationPredeclaredKey) ?? false,
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
        ShovelInternalKeys.Check(fields, profile);
        fields.CheckNumber("reconnect-delay");
        fields.CheckEnum("ack-mode", AckModes);
        foreach (var key in ShovelProtocols.Keys)
        {
            fields.CheckEnum(key, ShovelProtocols.Allowed(profile));
        }

        CheckUri(name, fields, "src-uri");
        foreach (var key in new[] { "src-exchange", "src-exchange-key", "src-queue" })
        {
            fields.CheckString(key);
        }

        ShovelArguments.Check(fields, "src-queue-args", ArgumentPlace.QueueDeclare, profile);
        ShovelArguments.Check(fields, "src-consumer-args", ArgumentPlace.Consume, profile);
        if (profile.ShovelConsumerName)
        {
            fields.CheckString(ConsumerNameKey);
        }

        fields.CheckNumber("prefetch-count");
        fields.CheckNumber("src-prefetch-count");
        CheckDeleteAfter(fields, "delete-after");
        CheckDeleteAfter(fields, "src-delete-after");
        if (profile.ShovelDeleteAfterDuration)
        {
            CheckDeleteAfterDuration(fields);
        }

        if (profile.ShovelPredeclaredQueues)
        {
            fields.CheckBoolean(SourcePredeclaredKey);
        }

        CheckUri(name, fields, "dest-uri");
        fields.CheckString("dest-exchange");
        fields.CheckString("dest-exchange-key");
        fields.CheckQueueName("dest-queue");

        ShovelArguments.Check(fields, "dest-queue-args", ArgumentPlace.QueueDeclare, profile);
        foreach (var key in new[] { "add-forward-headers", "add-timestamp-header", "dest-add-forward-headers", "dest-add-timestamp-header" })
        {
            fields.CheckBoolean(key);
        }

        CheckPublishProperties(fields, "publish-properties");
        CheckPublishProperties(fields, "dest-publish-properties");
        if (profile.ShovelPredeclaredQueues)
        {
            fields.CheckBoolean(DestinationPredeclaredKey);
        }
    }

    /// <summary>The keys RabbitMQ does not know, as one problem.</summary>
    private static IEnumerable<string> UnknownTerms(string name, ShovelFields fields, VersionProfile profile)
    {
        var unknown = fields.Properties
            .Where(p => !KnownKeys.Contains(p.Name) && !KnownFrom(profile, p.Name))
            .ToList();
        return unknown.Count > 0 ? [ShovelFields.UnrecognisedTerms(unknown, name)] : [];
    }

    /// <summary>Whether <paramref name="key"/> is one that later releases added and <paramref name="profile"/>'s release knows.</summary>
    private static bool KnownFrom(VersionProfile profile, string key) => key switch
    {
        DeleteAfterDurationKey => profile.ShovelDeleteAfterDuration,
        SourcePredeclaredKey or DestinationPredeclaredKey => profile.ShovelPredeclaredQueues,
        ConsumerNameKey => profile.ShovelConsumerName,
        _ => ShovelInternalKeys.Contains(key) && profile.ShovelInternalKeys,
    };

    /// <summary>validate_properties: basic properties as a nested proplist, whose problems stand in its key's place;
    /// a list is a proplist without known keys, anything else is refused as not a list.</summary>
    private static void CheckPublishProperties(ShovelFields fields, string key) =>
        fields.CheckNested(key, value => PublishPropertyProblems(key, value), value => fields.Add($"{key} not a list {ErlangJson.Format(value)}"));

    private static List<string> PublishPropertyProblems(string key, JsonElement value)
    {
        var problems = new List<string>();
        var unknown = value.EnumerateObject().Where(p => !PublishProperties.Any(known => known.Name == p.Name)).ToList();
        if (unknown.Count > 0)
        {
            problems.Add(ShovelFields.UnrecognisedTerms(unknown, key));
        }

        foreach (var (name, isNumber) in Enumerable.Reverse(PublishProperties))
        {
            if (value.TryGetProperty(name, out var field) && field.ValueKind != (isNumber ? JsonValueKind.Number : JsonValueKind.String))
            {
                problems.Add($"{name} should be {(isNumber ? "a number" : "binary")}, actually was {ErlangJson.Format(field)}");
            }
        }

        return problems;
    }

    /// <summary>validate_uri: a URI or a list of them; a list reports its first bad element only.</summary>
    private static void CheckUri(string name, ShovelFields fields, string key)
    {
        if (fields.Get(key) is not { } value)
        {
            fields.Add($"Key \"{key}\" not found in {name}");
            return;
        }

        var elements = value.ValueKind == JsonValueKind.Array ? [.. value.EnumerateArray()] : new List<JsonElement> { value };
        foreach (var element in elements)
        {
            if (element.ValueKind != JsonValueKind.String)
            {
                fields.Add($"{key} should be list, actually was {ErlangJson.Format(element)}");
                return;
            }

            if (ShovelUri.TryParse(element.GetString()!, out var error) is null)
            {
                fields.Add(error!);
                return;
            }
        }
    }

    private static void CheckDeleteAfter(ShovelFields fields, string key)
    {
        if (fields.Get(key) is { } value && !TryReadDeleteAfter(value, out _))
        {
            fields.Add($"{key} should be a number greater than or equal to 0, \"never\" or \"queue-length\", actually was {ErlangJson.Format(value)}");
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
            fields.Add($"{DeleteAfterDurationKey} should be a positive integer (seconds), actually was {ErlangJson.Format(value)}");
            return;
        }

        if (!long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) || seconds > MaxDeleteAfterDurationSeconds)
        {
            fields.Add($"{DeleteAfterDurationKey} is {text.TrimStart('0')} seconds, which exceeds the maximum supported duration");
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
}
