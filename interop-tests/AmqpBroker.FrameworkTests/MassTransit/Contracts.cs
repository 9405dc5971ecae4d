namespace AmqpBroker.FrameworkTests.MassTransit;

// The messages of the MassTransit tests. MassTransit names its exchanges after a message type's namespace and
// name, so each test has a type of its own and no two tests share an exchange.

public sealed record OrderSubmitted(Guid OrderId);

public sealed record ShipOrder(Guid OrderId);

public sealed record CheckOrder(Guid OrderId);

public sealed record OrderStatus(Guid OrderId, string Status);

public sealed record ChargeCard(Guid OrderId);

public sealed record SendReminder(Guid OrderId);

public sealed record CountedEvent(int Number);

public sealed record AuditEntry(int Number);

public sealed record StockChanged(int Number);
