using AmqpBroker.Core.Statistics;
using AmqpBroker.Core.Tests.TestSupport;

namespace AmqpBroker.Core.Tests.Statistics;

/// <summary>
/// The churn counters rabbitmq_prometheus exports (connection_churn_metrics), counted where RabbitMQ counts
/// them: a non-passive declare counts as declared whether or not it creates the queue, a new queue as
/// created, every queue removed (deleted, exclusive owner gone, vhost deleted) as deleted.
/// </summary>
[TestFixture]
public sealed class ChurnCounterTests
{
    private Broker _broker = null!;
    private ClientConnection _connection = null!;

    [SetUp]
    public void CreateBroker()
    {
        _broker = new Broker(new BrokerSettings(), TimeProvider.System);
        _connection = TestData.Connection();
    }

    [TearDown]
    public void DisposeBroker() => _broker.Dispose();

    private ChurnCounters Churn => _broker.Churn;

    [Test]
    public void A_new_queue_counts_as_declared_and_created_a_redeclaration_as_declared_only()
    {
        var host = _broker.FindVirtualHost("/")!;
        host.DeclareQueue(_connection, "churn-q");
        var afterCreate = (Churn.QueuesDeclared, Churn.QueuesCreated);

        host.DeclareQueue(_connection, "churn-q");

        Assert.That(afterCreate, Is.EqualTo((1L, 1L)));
        Assert.That((Churn.QueuesDeclared, Churn.QueuesCreated, Churn.QueuesDeleted), Is.EqualTo((2L, 1L, 0L)));
    }

    [Test]
    public void A_passive_declare_counts_nothing()
    {
        var host = _broker.FindVirtualHost("/")!;
        host.DeclareQueue(_connection, "churn-passive");

        host.DeclareQueue(TestData.QueueDefinition("churn-passive"), _connection, passive: true);

        Assert.That((Churn.QueuesDeclared, Churn.QueuesCreated), Is.EqualTo((1L, 1L)));
    }

    [Test]
    public void Deleting_a_queue_counts_once_and_deleting_a_missing_one_not_at_all()
    {
        var host = _broker.FindVirtualHost("/")!;
        host.DeclareQueue(_connection, "churn-delete");

        host.DeleteQueue("churn-delete", ifUnused: false, ifEmpty: false, _connection);
        host.DeleteQueue("churn-delete", ifUnused: false, ifEmpty: false, _connection);

        Assert.That(Churn.QueuesDeleted, Is.EqualTo(1));
    }

    [Test]
    public void Exclusive_queues_removed_with_their_connection_and_queues_of_a_deleted_vhost_count_as_deleted()
    {
        var host = _broker.AddVirtualHost("churn-vhost");
        var owner = TestData.Connection(virtualHost: "churn-vhost");
        host.DeclareQueue(owner, "churn-exclusive", exclusive: true);
        host.DeclareQueue(owner, "churn-a");
        host.DeclareQueue(owner, "churn-b");
        _broker.OnConnectionOpened(owner);

        _broker.OnConnectionClosed(owner);
        var afterClose = Churn.QueuesDeleted;
        _broker.DeleteVirtualHost("churn-vhost");

        Assert.That(afterClose, Is.EqualTo(1));
        Assert.That(Churn.QueuesDeleted, Is.EqualTo(3));
    }

    [Test]
    public void An_opened_connection_counts_as_opened_only()
    {
        _broker.OnConnectionOpened(_connection);
        _broker.OnConnectionClosed(_connection);

        Assert.That((Churn.ConnectionsOpened, Churn.ConnectionsClosed), Is.EqualTo((1L, 0L)), "the server counts every socket's end");
    }
}
