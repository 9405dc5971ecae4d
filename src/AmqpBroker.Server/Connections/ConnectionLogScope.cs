using System.Collections;

namespace AmqpBroker.Server.Connections;

/// <summary>
/// The log scope of one connection: its addresses from the start, and once connection.open has succeeded its
/// user, vhost and the name the client gave it (the <c>connection_name</c> client property). Logging providers
/// read a scope's state when they write an entry, so filling these in later shows up in every entry after
/// that, with one scope for the connection's whole life. <see cref="Label"/> is how log lines name it.
/// </summary>
internal sealed class ConnectionLogScope : IReadOnlyList<KeyValuePair<string, object?>>
{
    private readonly string _connection;
    private volatile string? _user;
    private volatile string? _virtualHost;
    private volatile string? _clientName;
    private volatile string _label;

    public ConnectionLogScope(string connection)
    {
        _connection = connection;
        _label = connection;
    }

    public int Count => 4;

    /// <summary>The addresses, then (once open) the client's connection_name and the user: <c>127.0.0.1:50312 -&gt; 127.0.0.1:5672 ('orders', user 'guest')</c>.</summary>
    public string Label => _label;

    public KeyValuePair<string, object?> this[int index] => index switch
    {
        0 => new("Connection", _connection),
        1 => new("ConnectionName", _clientName),
        2 => new("User", _user),
        3 => new("VirtualHost", _virtualHost),
        _ => throw new ArgumentOutOfRangeException(nameof(index)),
    };

    public void OnOpened(string user, string virtualHost, string? clientName)
    {
        _user = user;
        _virtualHost = virtualHost;
        _clientName = clientName;
        _label = clientName is null ? $"{_connection} (user '{user}')" : $"{_connection} ('{clientName}', user '{user}')";
    }

    public IEnumerator<KeyValuePair<string, object?>> GetEnumerator()
    {
        for (var i = 0; i < Count; i++)
        {
            yield return this[i];
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    public override string ToString() =>
        _user is null ? $"connection {_connection}"
        : _clientName is null ? $"connection {_connection}, user '{_user}', vhost '{_virtualHost}'"
        : $"connection {_connection} ('{_clientName}'), user '{_user}', vhost '{_virtualHost}'";
}
