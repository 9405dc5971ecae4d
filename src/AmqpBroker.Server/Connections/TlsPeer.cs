using System.Security.Cryptography.X509Certificates;

namespace AmqpBroker.Server.Connections;

/// <summary>What a TLS listener learned about its peer: the client certificate, if one was presented, and how to name its user.</summary>
internal sealed record TlsPeer(X509Certificate2? Certificate, CertificateLogin Login);
