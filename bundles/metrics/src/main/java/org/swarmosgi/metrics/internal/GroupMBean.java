package org.swarmosgi.metrics.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import javax.management.Attribute;
import javax.management.AttributeList;
import javax.management.AttributeNotFoundException;
import javax.management.DynamicMBean;
import javax.management.MBeanAttributeInfo;
import javax.management.MBeanInfo;
import javax.management.ReflectionException;

import org.swarmosgi.api.metrics.Metric;

/**
 * The figures of one group as a read-only MBean {@code org.swarmosgi:type=<group>}: one attribute (a
 * long) per figure, read live from the metric sources, so JMX has no list of names of its own. An
 * attribute is the metric's name without {@code swarm_<group>_}, with each label value appended:
 * {@code swarm_transport_dropped_total{reason="BAD_MAC"}} is {@code dropped_total_BAD_MAC} of
 * {@code type=Transport}.
 */
final class GroupMBean implements DynamicMBean {

    private final String group;
    private final Sources sources;

    GroupMBean(String group, Sources sources) {
        this.group = group;
        this.sources = sources;
    }

    static String attributeName(String group, Metric m) {
        final String prefix = "swarm_" + group.toLowerCase(Locale.ROOT) + "_";
        final StringBuilder b = new StringBuilder(m.name().startsWith(prefix) ? m.name().substring(prefix.length())
            : m.name());
        for (String value : m.labels().values()) {
            b.append('_').append(value);
        }
        return b.toString();
    }

    private Metric find(String attribute) throws AttributeNotFoundException {
        for (Metric m : sources.read(group)) {
            if (attributeName(group, m).equals(attribute)) {
                return m;
            }
        }
        throw new AttributeNotFoundException("no figure " + attribute + " in " + group);
    }

    @Override
    public Object getAttribute(String attribute) throws AttributeNotFoundException {
        return find(attribute).value();
    }

    @Override
    public AttributeList getAttributes(String[] attributes) {
        final List<Metric> now = sources.read(group);
        final AttributeList list = new AttributeList();
        for (String a : attributes) {
            for (Metric m : now) {
                if (attributeName(group, m).equals(a)) {
                    list.add(new Attribute(a, m.value()));
                    break;
                }
            }
        }
        return list;
    }

    @Override
    public void setAttribute(Attribute attribute) throws AttributeNotFoundException {
        throw new AttributeNotFoundException("the figures of " + group + " are read-only");
    }

    @Override
    public AttributeList setAttributes(AttributeList attributes) {
        return new AttributeList(); // read-only: nothing set
    }

    @Override
    public Object invoke(String actionName, Object[] params, String[] signature) throws ReflectionException {
        throw new ReflectionException(new NoSuchMethodException(actionName), "the figures of " + group + " have no operations");
    }

    @Override
    public MBeanInfo getMBeanInfo() {
        final List<MBeanAttributeInfo> attributes = new ArrayList<>();
        for (Metric m : sources.read(group)) {
            final String labels = m.labels().isEmpty() ? "" : " " + labels(m.labels());
            attributes.add(new MBeanAttributeInfo(attributeName(group, m), "long",
                m.help() + " (" + m.type().name().toLowerCase(Locale.ROOT) + " " + m.name() + labels + ")",
                true, false, false));
        }
        return new MBeanInfo(GroupMBean.class.getName(), "Swarm figures of " + group,
            attributes.toArray(new MBeanAttributeInfo[0]), null, null, null);
    }

    private static String labels(Map<String, String> labels) {
        return labels.toString();
    }
}
