namespace AmqpBroker.Core.Parameters;

/// <summary>
/// A component that owns runtime parameters (RabbitMQ's <c>rabbit_runtime_parameter</c> behaviour): it
/// checks a value before it is stored, and acts when one is set or cleared. Calls come one at a time, in the
/// order the changes were made.
/// </summary>
public interface IRuntimeParameterComponent
{
    /// <summary>The component's name in <c>/api/parameters/{component}</c>.</summary>
    string Name { get; }

    /// <summary>Throws <see cref="ParameterValidationException"/> with RabbitMQ's reasons when the value is not acceptable.</summary>
    void Validate(RuntimeParameter parameter);

    /// <summary>A parameter was stored (new or replaced), or is there when the component registers.</summary>
    void OnSet(RuntimeParameter parameter);

    /// <summary>A parameter was removed (deleted, or its vhost deleted).</summary>
    void OnCleared(string virtualHost, string name);
}
