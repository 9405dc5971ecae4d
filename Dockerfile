# AmqpBroker as a container image that can stand in for rabbitmq:4-management (compose files, Testcontainers'
# RabbitMQ module with WithImage): AMQP on 5672, the management API on 15672, Prometheus metrics on 15692 (as
# rabbitmq_prometheus), data in /var/lib/amqp-broker,
# RabbitMQ's RABBITMQ_DEFAULT_USER / RABBITMQ_DEFAULT_PASS / RABBITMQ_DEFAULT_VHOST, and its
# "Server startup complete" line when ready.
#   docker build -t amqp-broker .
#   docker run -p 5672:5672 -p 15672:15672 amqp-broker

FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /source
COPY . .
RUN dotnet publish src/AmqpBroker/AmqpBroker.csproj -c Release -o /app

FROM mcr.microsoft.com/dotnet/aspnet:10.0
WORKDIR /app
COPY --from=build /app .
RUN mkdir -p /var/lib/amqp-broker && chown app:app /var/lib/amqp-broker
USER app
VOLUME /var/lib/amqp-broker
EXPOSE 5672 15672 15692
# As in RabbitMQ's image, guest may connect from other containers (loopback_users = none).
ENV Broker__LoopbackUsers=none \
    Broker__DataDir=/var/lib/amqp-broker
ENTRYPOINT ["dotnet", "AmqpBroker.dll"]
