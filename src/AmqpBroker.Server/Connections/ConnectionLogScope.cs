using System.Collections;

namespace AmqpBroker.Server.Connections;

/// <summary>
/// The log scope of one connection: its name from the start, its user and vhost once connection.open has
/// succeeded. Logging providers read a scope's state when they write an entry, so filling in the user later
/// shows up in every entry after that, with one scope for the connection's whole life.
/// </summary>
internal sealed class ConnectionLogScope(string connection) : IReadOnlyList<KeyValuePair<string, object?>>
{
    private volatile string? _user;
    private volatile string? _virtualHost;

    public int Count => 3;

    public KeyValuePair<string, object?> this[int index] => index switch
    {
        0 => new("Connection", connection),
        1 => new("User", _user),
        2 => new("VirtualHost", _virtualHost),
        _ => throw new ArgumentOutOfRangeException(nameof(index)),
    };

    public void OnOpened(string user, string virtualHost)
    {
        _user = user;
        _virtualHost = virtualHost;
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
        _user is null ? $"connection {connection}" : $"connection {connection}, user '{_user}', vhost '{_virtualHost}'";
}
