using System.Security.Cryptography;
using System.Text.Json;
using AmqpBroker.Core.Storage;

namespace AmqpBroker.Core.Parameters;

/// <summary>
/// RabbitMQ's global runtime parameters (rabbit_runtime_parameters' set_global, lookup_global and list_global): JSON
/// values named by the node alone, outside any vhost and component. Two have a meaning: <c>cluster_name</c>, the name
/// clients see in connection.start and the management API (rabbit_nodes:cluster_name/0 falls back to the node name), and
/// <c>internal_cluster_id</c>, an id drawn once and kept (rabbit_nodes:seed_internal_cluster_id/0 at boot). Changes are
/// stored with the definitions.
/// </summary>
public sealed class GlobalParameters
{
    /// <summary>The parameter that names the cluster.</summary>
    public const string ClusterNameKey = "cluster_name";

    /// <summary>The parameter holding the id drawn at first start.</summary>
    public const string ClusterIdKey = "internal_cluster_id";

    private readonly Lock _lock = new();
    private readonly SortedDictionary<string, JsonElement> _values = new(StringComparer.Ordinal);
    private readonly IDefinitionStore _store;
    private readonly DefinitionsVersion _version;
    private readonly string _nodeName;

    internal GlobalParameters(IDefinitionStore store, DefinitionsVersion version, string nodeName)
    {
        _store = store;
        _version = version;
        _nodeName = nodeName;
    }

    /// <summary>Every parameter, by name.</summary>
    public IReadOnlyList<KeyValuePair<string, JsonElement>> All
    {
        get
        {
            lock (_lock)
            {
                return [.. _values];
            }
        }
    }

    /// <summary>The cluster's name: the <c>cluster_name</c> parameter where one is set, else the node's name.</summary>
    public string ClusterName => Find(ClusterNameKey) switch
    {
        { ValueKind: JsonValueKind.String } name => name.GetString()!,
        { } other => other.GetRawText(),
        null => _nodeName,
    };

    /// <summary>The id drawn at first start and kept with the definitions since.</summary>
    public string ClusterId => Find(ClusterIdKey)?.GetString() ?? "";

    public JsonElement? Find(string name)
    {
        lock (_lock)
        {
            return _values.TryGetValue(name, out var value) ? value : null;
        }
    }

    /// <summary>Sets (or replaces) a parameter; true when it is new.</summary>
    public bool Put(string name, JsonElement value)
    {
        var detached = value.Clone();
        lock (_lock)
        {
            var created = !_values.ContainsKey(name);
            _store.PutGlobalParameter(name, detached.GetRawText());
            _values[name] = detached;
            _version.Advance();
            return created;
        }
    }

    /// <summary>Removes a parameter; false when there is none.</summary>
    public bool Clear(string name)
    {
        lock (_lock)
        {
            if (!_values.Remove(name))
            {
                return false;
            }

            _store.DeleteGlobalParameter(name);
            _version.Advance();
            return true;
        }
    }

    /// <summary>Makes the parameters <paramref name="parameters"/> (a snapshot's): every other one is cleared.</summary>
    internal void Restore(IReadOnlyList<KeyValuePair<string, JsonElement>> parameters)
    {
        foreach (var (name, _) in All.ExceptBy(parameters.Select(p => p.Key), p => p.Key))
        {
            Clear(name);
        }

        foreach (var (name, value) in parameters)
        {
            Put(name, value);
        }
    }

    /// <summary>
    /// Takes the stored parameters, draws the cluster id if there is none yet (<c>rabbitmq-cluster-id-</c> and 16 random
    /// bytes in URL-safe base64, as rabbit_guid:binary/2 writes it) and sets the configured cluster name, which wins over
    /// a stored one at every start (rabbit_nodes:seed_user_provided_cluster_name/0).
    /// </summary>
    internal void Start(IReadOnlyDictionary<string, string> stored, string? configuredClusterName)
    {
        lock (_lock)
        {
            foreach (var (name, json) in stored)
            {
                _values[name] = PlainJson.Parse(json);
            }
        }

        if (Find(ClusterIdKey) is null)
        {
            var id = System.Buffers.Text.Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(16));
            Put(ClusterIdKey, PlainJson.Parse($"\"rabbitmq-cluster-id-{id}\""));
        }

        if (configuredClusterName is not null)
        {
            Put(ClusterNameKey, PlainJson.Parse($"\"{JsonEncodedText.Encode(configuredClusterName)}\""));
        }
    }
}
