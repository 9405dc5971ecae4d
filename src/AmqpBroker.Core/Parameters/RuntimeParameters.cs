using AmqpBroker.Core.Storage;

namespace AmqpBroker.Core.Parameters;

/// <summary>
/// A broker's runtime parameters and the components that own them. A change is validated by its
/// component, written to the store, then handed to the component, all under one lock, so components see
/// changes in the order they were made. Parameters recovered at start wait for their component: it gets
/// them when it registers (the shovel component registers once the broker listens).
/// </summary>
public sealed class RuntimeParameters
{
    private readonly Lock _lock = new();
    private readonly Dictionary<(string Component, string VirtualHost, string Name), RuntimeParameter> _parameters = [];
    private readonly Dictionary<string, IRuntimeParameterComponent> _components = new(StringComparer.Ordinal);
    private readonly IDefinitionStore _store;
    private readonly DefinitionsVersion _version;
    private readonly Func<string, bool> _virtualHostExists;

    internal RuntimeParameters(IDefinitionStore store, DefinitionsVersion version, Func<string, bool> virtualHostExists)
    {
        _store = store;
        _version = version;
        _virtualHostExists = virtualHostExists;
    }

    /// <summary>Every parameter, ordered by component, vhost and name.</summary>
    public IReadOnlyList<RuntimeParameter> All
    {
        get
        {
            lock (_lock)
            {
                return [.. _parameters.Values
                    .OrderBy(p => p.Component, StringComparer.Ordinal)
                    .ThenBy(p => p.VirtualHost, StringComparer.Ordinal)
                    .ThenBy(p => p.Name, StringComparer.Ordinal)];
            }
        }
    }

    public RuntimeParameter? Find(string component, string virtualHost, string name)
    {
        lock (_lock)
        {
            return _parameters.GetValueOrDefault((component, virtualHost, name));
        }
    }

    /// <summary>Adds a component and hands it the parameters it already owns (recovered at start).</summary>
    public void Register(IRuntimeParameterComponent component)
    {
        lock (_lock)
        {
            _components.Add(component.Name, component);
            foreach (var parameter in _parameters.Values.Where(p => p.Component == component.Name).ToList())
            {
                component.OnSet(parameter);
            }
        }
    }

    /// <summary>
    /// Sets (or replaces) a parameter. Throws <see cref="ParameterValidationException"/> for an unknown
    /// component or vhost, or a value its component refuses.
    /// </summary>
    public void Put(RuntimeParameter parameter)
    {
        lock (_lock)
        {
            var component = _components.GetValueOrDefault(parameter.Component)
                ?? throw new ParameterValidationException($"component {parameter.Component} not found");
            if (!_virtualHostExists(parameter.VirtualHost))
            {
                throw new ParameterValidationException($"no_such_vhost: '{parameter.VirtualHost}'");
            }

            component.Validate(parameter);
            _store.PutParameter(parameter);
            _parameters[(parameter.Component, parameter.VirtualHost, parameter.Name)] = parameter;
            _version.Advance();
            component.OnSet(parameter);
        }
    }

    /// <summary>Removes a parameter; false when there is none.</summary>
    public bool Clear(string component, string virtualHost, string name)
    {
        lock (_lock)
        {
            if (!_parameters.Remove((component, virtualHost, name)))
            {
                return false;
            }

            _store.DeleteParameter(component, virtualHost, name);
            _version.Advance();
            _components.GetValueOrDefault(component)?.OnCleared(virtualHost, name);
            return true;
        }
    }

    internal void Restore(IEnumerable<RuntimeParameter> stored)
    {
        lock (_lock)
        {
            foreach (var parameter in stored)
            {
                _parameters[(parameter.Component, parameter.VirtualHost, parameter.Name)] = parameter;
            }
        }
    }

    /// <summary>The vhost was deleted (the store removed its parameters with it): its components let go of them.</summary>
    internal void OnVirtualHostDeleted(string virtualHost)
    {
        lock (_lock)
        {
            foreach (var key in _parameters.Keys.Where(k => k.VirtualHost == virtualHost).ToList())
            {
                _parameters.Remove(key);
                _version.Advance();
                _components.GetValueOrDefault(key.Component)?.OnCleared(key.VirtualHost, key.Name);
            }
        }
    }
}
