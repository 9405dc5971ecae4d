using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace AmqpBroker.Server.Tests.TestSupport;

/// <summary>A logger provider that keeps every entry with its category, level, event and the scopes around it at that moment.</summary>
internal sealed class CapturedLogs : ILoggerProvider
{
    private readonly AsyncLocal<ScopeNode?> _scope = new();

    public ConcurrentQueue<Entry> Entries { get; } = new();

    public ILogger CreateLogger(string categoryName) => new CapturingLogger(this, categoryName);

    public void Dispose()
    {
    }

    /// <summary>One log entry; <c>Scopes</c> holds each enclosing scope's state as text, read when the entry was written.</summary>
    internal sealed record Entry(string Category, LogLevel Level, string? EventName, string Message, IReadOnlyList<string> Scopes);

    private sealed record ScopeNode(object State, ScopeNode? Parent);

    private sealed class CapturingLogger(CapturedLogs owner, string category) : ILogger
    {
        public IDisposable BeginScope<TState>(TState state)
            where TState : notnull
        {
            var parent = owner._scope.Value;
            owner._scope.Value = new ScopeNode(state, parent);
            return new ScopeEnd(owner, parent);
        }

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var scopes = new List<string>();
            for (var node = owner._scope.Value; node is not null; node = node.Parent)
            {
                scopes.Add(node.State.ToString() ?? "");
            }

            owner.Entries.Enqueue(new Entry(category, logLevel, eventId.Name, formatter(state, exception), scopes));
        }
    }

    private sealed class ScopeEnd(CapturedLogs owner, ScopeNode? parent) : IDisposable
    {
        public void Dispose() => owner._scope.Value = parent;
    }
}
