using System.Text.Json;
using AmqpBroker.Core.Parameters;
using AmqpBroker.Core.Snapshots;
using AmqpBroker.Core.Tests.TestSupport;

namespace AmqpBroker.Core.Tests.Parameters;

/// <summary>
/// Global runtime parameters through the broker (RabbitMQ 3.10.8, deps/rabbit/src/rabbit_nodes.erl): the cluster id is
/// drawn at the first start and kept, the cluster name is the <c>cluster_name</c> parameter or the node's name, and a
/// configured name is set at every start (seed_user_provided_cluster_name/0).
/// </summary>
[TestFixture]
public sealed class GlobalParameterTests : RestartingBrokerFixture
{
    [Test]
    public void The_cluster_id_is_drawn_at_the_first_start_stored_and_kept()
    {
        var store = new MemoryDefinitionStore();
        var id = Start(store).GlobalParameters.ClusterId;

        Assert.That(id, Does.Match("^rabbitmq-cluster-id-[A-Za-z0-9_-]{22}$"));
        Assert.That(store.GlobalParameters[GlobalParameters.ClusterIdKey], Is.EqualTo($"\"{id}\""));
        Assert.That(Start(store).GlobalParameters.ClusterId, Is.EqualTo(id), "the next start keeps it");
        Assert.That(Start(new MemoryDefinitionStore()).GlobalParameters.ClusterId, Is.Not.EqualTo(id), "another broker draws its own");
    }

    [Test]
    public void The_cluster_name_is_the_parameter_else_the_node_name_and_a_configured_one_wins_at_start()
    {
        var store = new MemoryDefinitionStore();
        var broker = Start(store);
        Assert.That(broker.GlobalParameters.ClusterName, Is.EqualTo(broker.NodeName));

        Assert.That(broker.GlobalParameters.Put(GlobalParameters.ClusterNameKey, Json("\"orders\"")), Is.True);
        Assert.That(broker.GlobalParameters.Put(GlobalParameters.ClusterNameKey, Json("\"billing\"")), Is.False, "replaced, not new");
        Assert.That(Start(store).GlobalParameters.ClusterName, Is.EqualTo("billing"), "stored");

        Assert.That(Start(store, clusterName: "configured").GlobalParameters.ClusterName, Is.EqualTo("configured"));
        Assert.That(store.GlobalParameters[GlobalParameters.ClusterNameKey], Is.EqualTo("\"configured\""));
        Assert.That(Start(store, clusterName: "a \"quoted\" name").GlobalParameters.ClusterName, Is.EqualTo("a \"quoted\" name"));

        var restarted = Start(store);
        Assert.That(restarted.GlobalParameters.Clear(GlobalParameters.ClusterNameKey), Is.True);
        Assert.That(restarted.GlobalParameters.Clear(GlobalParameters.ClusterNameKey), Is.False);
        Assert.That(restarted.GlobalParameters.ClusterName, Is.EqualTo(restarted.NodeName));
    }

    [Test]
    public void A_snapshot_puts_the_global_parameters_back_and_clears_newer_ones()
    {
        var broker = Start(new MemoryDefinitionStore());
        broker.GlobalParameters.Put(GlobalParameters.ClusterNameKey, Json("\"before\""));
        var snapshot = BrokerSnapshot.Take(broker);
        broker.GlobalParameters.Put(GlobalParameters.ClusterNameKey, Json("\"after\""));
        broker.GlobalParameters.Put("extra", Json("{\"a\":1}"));

        snapshot.RestoreTo(broker);

        Assert.That(broker.GlobalParameters.All.Select(p => p.Key), Is.EqualTo(new[] { GlobalParameters.ClusterNameKey, GlobalParameters.ClusterIdKey }));
        Assert.That(broker.GlobalParameters.ClusterName, Is.EqualTo("before"));
    }

    private static JsonElement Json(string json) => JsonSerializer.Deserialize<JsonElement>(json);

    private Broker Start(MemoryDefinitionStore store, string? clusterName) => Start(store, new BrokerSettings { ClusterName = clusterName });
}
