package io.devsec.core;

import io.devsec.core.validation.CommandMessage;
import io.devsec.core.validation.Subscription;
import io.devsec.core.validation.ValidationException;
import io.devsec.transport.InboundMessage;
import io.devsec.transport.InboundSubscription;
import io.devsec.transport.InvalidMessageException;
import io.devsec.transport.Qos;
import io.devsec.update.UpdateAgent;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * DevSec's own commands on the reserved topic {@code devices/{deviceId}/devsec/cmd}
 * ({@link DeviceSecurity#COMMAND_TOPIC}): each message is parsed once with
 * {@link io.devsec.core.validation.MessageSchemas#COMMAND} and acted on. {@code check_update} runs
 * {@link UpdateAgent#checkNow()} on every update agent the device started, on a DevSec thread (never the
 * MQTT client's); a check already waiting absorbs the next request, so a flood of commands costs one check.
 */
final class DevSecCommands implements InboundSubscription<CommandMessage> {
    /** Made on first use: a normal start logs nothing, so it never initialises SLF4J. */
    private static final class Log {
        static final Logger LOG = LoggerFactory.getLogger(DevSecCommands.class);
    }

    /** One daemon thread, started on demand; at most one check runs and one more waits. */
    private static final ThreadPoolExecutor WORKER = worker();

    private final String deviceId;
    private final Supplier<List<UpdateAgent>> agents;

    DevSecCommands(String deviceId, Supplier<List<UpdateAgent>> agents) {
        this.deviceId = deviceId;
        this.agents = agents;
    }

    private static ThreadPoolExecutor worker() {
        ThreadPoolExecutor ex = new ThreadPoolExecutor(1, 1, 30, TimeUnit.SECONDS, new ArrayBlockingQueue<>(1), r -> {
            Thread t = new Thread(r, "devsec-commands");
            t.setDaemon(true);
            return t;
        }, new ThreadPoolExecutor.DiscardPolicy());
        ex.allowCoreThreadTimeOut(true);
        return ex;
    }

    @Override
    public String topicFilter() {
        return DeviceSecurity.COMMAND_TOPIC;
    }

    @Override
    public Qos qos() {
        return Qos.AT_LEAST_ONCE;
    }

    @Override
    public CommandMessage decode(InboundMessage message) throws InvalidMessageException {
        try {
            return CommandMessage.parse(message.payload());
        } catch (ValidationException e) {
            throw InvalidMessageException.rejected(message.topic(),
                    "filter '" + DeviceSecurity.COMMAND_TOPIC + "' (DevSec commands): " + e.getMessage(),
                    e.reason().name(), e.path());
        }
    }

    @Override
    public void onMessage(InboundMessage message, String relativeTopic, CommandMessage command) {
        Optional<CommandMessage.DevSecCommand> c = command.devsecCommand();
        if (!c.isPresent()) {
            return; // the schema admits only DevSec's commands
        }
        switch (c.get()) {
            case CHECK_UPDATE:
                Log.LOG.info("Command {} ({}) for device {}: checking for updates", command.command(), command.id(), deviceId);
                WORKER.execute(this::checkUpdates);
                break;
            default:
                Log.LOG.warn("Command {} for device {} is not handled", command.command(), deviceId);
                break;
        }
    }

    private void checkUpdates() {
        List<UpdateAgent> list = agents.get();
        if (list.isEmpty()) {
            Log.LOG.info("check_update for device {}: no update agent started (device.startUpdates), nothing to check", deviceId);
            return;
        }
        for (UpdateAgent a : list) {
            try {
                a.checkNow();
            } catch (Exception e) {
                // Refusals already reached the agent's listener (and so the security events).
                Log.LOG.warn("check_update for device {} failed: {}", deviceId, e.toString());
            }
        }
    }

    @Override
    public String toString() {
        return "DevSecCommands{" + Subscription.RESERVED_SUBTREE + "/cmd}";
    }
}
