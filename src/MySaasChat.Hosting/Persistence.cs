using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Design;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using MySaasChat.Messaging;
using Npgsql;

namespace MySaasChat.Hosting;

/// <summary>A module's database as the migrate command and the health checks see it.</summary>
public sealed record ModuleDatabase(string Module, Type ContextType);

public static class Persistence
{
    /// <summary>
    /// Registers a module's DbContext on SQLite (one file per module under DATA_DIR) or PostgreSQL
    /// (one schema per module). The two provider subclasses each carry their own migrations.
    /// </summary>
    public static IServiceCollection AddModuleDatabase<TContext, TSqlite, TPostgres>(this IServiceCollection services, PlatformOptions options, string module)
        where TContext : ModuleDbContext
        where TSqlite : TContext
        where TPostgres : TContext
    {
        if (options.Database == DatabaseProvider.Postgres)
        {
            services.AddDbContext<TContext, TPostgres>(o => ConfigurePostgres(o, options.PostgresConnectionString!, module));
        }
        else
        {
            services.AddDbContext<TContext, TSqlite>(o => ConfigureSqlite(o, SqlitePath(options.DataDir, module)));
        }
        services.AddSingleton(new ModuleDatabase(module, typeof(TContext)));
        services.AddOutboxRelay<TContext>();
        services.AddHealthChecks().Add(new Microsoft.Extensions.Diagnostics.HealthChecks.HealthCheckRegistration(
            $"database:{module}", sp => new DatabaseHealthCheck(sp, typeof(TContext)), Microsoft.Extensions.Diagnostics.HealthChecks.HealthStatus.Unhealthy,
            ["required"], TimeSpan.FromSeconds(5)));
        return services;
    }

    public static string SqlitePath(string dataDir, string module) => Path.Combine(dataDir, $"{module}.db");

    public static void ConfigureSqlite(DbContextOptionsBuilder o, string path) =>
        o.UseSqlite($"Data Source={path};Pooling=True;Default Timeout=30");

    public static void ConfigurePostgres(DbContextOptionsBuilder o, string connectionString, string module) =>
        o.UseNpgsql(connectionString, npgsql => npgsql.MigrationsHistoryTable("__ef_migrations_history", module));

    /// <summary>Applies every module's pending migrations, creating the data folder or schema as needed.</summary>
    public static async Task MigrateAllAsync(IServiceProvider services, PlatformOptions options, ILogger logger, CancellationToken ct)
    {
        Directory.CreateDirectory(options.DataDir);
        foreach (var database in services.GetServices<ModuleDatabase>())
        {
            await using var scope = services.CreateAsyncScope();
            var db = (DbContext)scope.ServiceProvider.GetRequiredService(database.ContextType);
            // No pending-migrations query first: on a new database it fails (no history table yet) and EF logs it as an error.
            if (db.Database.IsSqlite())
            {
                // WAL lets readers go on while a writer commits; it is a property of the file, set once.
                await db.Database.OpenConnectionAsync(ct);
                await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", ct);
                await db.Database.CloseConnectionAsync();
            }
            if (db.Database.GetMigrations().Any())
            {
                // Create the history table (and schema) first, idempotently: otherwise a first migration on
                // PostgreSQL reads a table that is not there yet, and EF logs that as an error.
                var history = db.GetService<Microsoft.EntityFrameworkCore.Migrations.IHistoryRepository>();
                await db.Database.ExecuteSqlRawAsync(history.GetCreateIfNotExistsScript(), ct);
                await db.Database.MigrateAsync(ct);
            }
            else
            {
                // A module without migrations (a test probe) gets its schema created directly.
                await db.Database.EnsureCreatedAsync(ct);
            }
            logger.LogInformation("Database of {Module} is up to date ({Count} migrations)", database.Module, db.Database.GetMigrations().Count());
        }
    }

    /// <summary>Without MIGRATE_ON_START: refuse to serve on a schema that is behind the code.</summary>
    public static async Task EnsureUpToDateAsync(IServiceProvider services, CancellationToken ct)
    {
        foreach (var database in services.GetServices<ModuleDatabase>())
        {
            await using var scope = services.CreateAsyncScope();
            var db = (DbContext)scope.ServiceProvider.GetRequiredService(database.ContextType);
            var pending = (await db.Database.GetPendingMigrationsAsync(ct)).ToList();
            if (pending.Count > 0)
            {
                throw new InvalidOperationException(
                    $"the {database.Module} database has {pending.Count} pending migration(s); run `mysaaschat migrate` or set MIGRATE_ON_START=true");
            }
        }
    }

    /// <summary>Tells a database that is not there or refuses us apart from one that is slow to start.</summary>
    public static bool IsTransient(Exception ex) => ex switch
    {
        PostgresException pg => pg.SqlState is "57P03" or "53300", // starting up, too many connections
        NpgsqlException { InnerException: System.Net.Sockets.SocketException or TimeoutException or IOException } => true,
        _ => ex.InnerException is not null && IsTransient(ex.InnerException),
    };
}

/// <summary>Design-time factory base for `dotnet ef`: builds a provider-specific context without the host.</summary>
public abstract class SqliteDesignTimeFactory<T> : IDesignTimeDbContextFactory<T> where T : DbContext
{
    public T CreateDbContext(string[] args)
    {
        var builder = new DbContextOptionsBuilder<T>();
        Persistence.ConfigureSqlite(builder, "design-time.db");
        return (T)Activator.CreateInstance(typeof(T), builder.Options)!;
    }
}

public abstract class PostgresDesignTimeFactory<T>(string module) : IDesignTimeDbContextFactory<T> where T : DbContext
{
    public T CreateDbContext(string[] args)
    {
        var builder = new DbContextOptionsBuilder<T>();
        Persistence.ConfigurePostgres(builder, "Host=localhost;Database=design_time", module);
        return (T)Activator.CreateInstance(typeof(T), builder.Options)!;
    }
}
