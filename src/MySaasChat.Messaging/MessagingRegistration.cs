using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using MySaasChat.Contracts;

namespace MySaasChat.Messaging;

public static class MessagingRegistration
{
    /// <summary>Registers the bus: RabbitMQ when <paramref name="rabbitMq"/> is given, in process otherwise.</summary>
    public static IServiceCollection AddMessaging(this IServiceCollection services, SubscriptionCatalog catalog, RabbitMqOptions? rabbitMq)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton(catalog);
        services.TryAddSingleton(new OutboxOptions());
        services.AddSingleton<EventDispatcher>();
        if (rabbitMq is null)
        {
            services.AddSingleton<IEventTransport, InProcessTransport>();
        }
        else
        {
            services.AddSingleton(rabbitMq);
            services.AddSingleton<RabbitMqConnection>();
            services.AddSingleton<IEventTransport, RabbitMqTransport>();
            services.AddHostedService<RabbitMqConsumers>();
        }
        return services;
    }

    /// <summary>Relays a module context's outbox; call once per module DbContext.</summary>
    public static IServiceCollection AddOutboxRelay<TContext>(this IServiceCollection services) where TContext : ModuleDbContext
    {
        services.AddKeyedSingleton<OutboxSignal>(typeof(TContext));
        services.AddSingleton(sp => new OutboxRelay<TContext>(
            sp.GetRequiredService<IServiceScopeFactory>(), sp.GetRequiredService<IEventTransport>(),
            sp.GetRequiredKeyedService<OutboxSignal>(typeof(TContext)), sp.GetRequiredService<OutboxOptions>(),
            sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<Microsoft.Extensions.Logging.ILogger<OutboxRelay<TContext>>>()));
        services.AddSingleton<IHostedService>(sp => sp.GetRequiredService<OutboxRelay<TContext>>());
        return services;
    }

    /// <summary>Adds a handler to the catalog (for every process) and, when its consumer runs here, to DI.</summary>
    public static void AddHandler<TEvent, THandler, TContext>(this SubscriptionCatalog catalog, IServiceCollection? services, string consumer)
        where TEvent : IntegrationEvent
        where THandler : class, IIntegrationEventHandler<TEvent>
        where TContext : ModuleDbContext
    {
        EventTypes.Register(typeof(TEvent));
        catalog.Add(new EventSubscription(consumer, typeof(TEvent), typeof(THandler), typeof(TContext)));
        services?.AddScoped<THandler>();
    }
}

