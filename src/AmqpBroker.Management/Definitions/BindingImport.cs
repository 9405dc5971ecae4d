using AmqpBroker.Core;
using AmqpBroker.Core.Errors;
using AmqpBroker.Core.Exchanges;
using AmqpBroker.Core.VirtualHosts;
using AmqpBroker.Management.Messaging;

namespace AmqpBroker.Management.Definitions;

/// <summary>
/// The bindings of a definitions import. One whose source exchange or destination is missing (its vhost too) is
/// skipped before 3.13 and stops the import from then on (<see cref="Core.Profiles.VersionProfile.DefinitionImportChecksBindings"/>,
/// <see cref="ImportFailure.ResourcesMissing"/>); one the broker refuses stops it in our words. A binding that is there
/// already is left as it is, so undoing the import leaves it too.
/// </summary>
internal sealed class BindingImport(Broker broker, ApiUser user)
{
    /// <param name="virtualHostName">The vhost the entry names, or the one imported into; it need not exist.</param>
    /// <param name="entry">The binding.</param>
    /// <param name="undo">Where the import records how to undo it.</param>
    public void Import(string virtualHostName, JsonBody entry, ImportUndo undo)
    {
        var source = entry.RequireString("source");
        var destination = entry.RequireString("destination");
        var kind = entry.RequireString("destination_type");
        if (kind is not ("queue" or "exchange"))
        {
            throw ApiException.BadRequest($"binding destination_type must be \"queue\" or \"exchange\", got \"{kind}\"");
        }

        var virtualHost = broker.FindVirtualHost(virtualHostName);
        var sourceExchange = virtualHost?.Exchanges.FirstOrDefault(e => e.Name == source);
        IBindingDestination? target = kind == "queue" ? virtualHost?.FindQueue(destination) : virtualHost?.Exchanges.FirstOrDefault(e => e.Name == destination);
        if (virtualHost is null || sourceExchange is null || target is null)
        {
            List<(string Kind, string Name)> missing = [];
            if (sourceExchange is null)
            {
                missing.Add(("exchange", source));
            }

            if (target is null)
            {
                missing.Add((kind, destination));
            }

            if (broker.Settings.Profile.DefinitionImportChecksBindings)
            {
                throw ImportFailure.ResourcesMissing(virtualHostName, missing);
            }

            return;
        }

        var routingKey = NameRules.Check(entry.String("routing_key") ?? "", "routing key");
        var arguments = entry.Table("arguments");
        var existed = sourceExchange.Bindings.Any(b => b.Matches(target, routingKey, arguments));
        try
        {
            Bind(virtualHost, kind, source, destination, routingKey, arguments, existed, undo);
        }
        catch (AmqpException ex)
        {
            // RabbitMQ answers these with ~tp of rabbit_binding:add's error ({binding_invalid, Format, Args}, …), whose
            // parts the broker's refusal does not keep: ours names the binding instead.
            throw ApiException.BadRequest($"binding '{source} -> {destination}' in vhost '{virtualHost.Name}': {ex.Message}");
        }
    }

    private void Bind(VirtualHost virtualHost, string kind, string source, string destination, string routingKey, IReadOnlyDictionary<string, object?> arguments, bool existed, ImportUndo undo)
    {
        if (kind == "queue")
        {
            var connection = HttpConnection.For(user, virtualHost.Name);
            virtualHost.Bind(destination, source, routingKey, arguments, connection);
            if (!existed)
            {
                undo.Add(() => virtualHost.Unbind(destination, source, routingKey, arguments, connection));
            }

            return;
        }

        virtualHost.BindExchange(destination, source, routingKey, arguments);
        if (!existed)
        {
            undo.Add(() => virtualHost.UnbindExchange(destination, source, routingKey, arguments));
        }
    }
}
