/* Cell renderers for the cadres pages' grids (dash-ag-grid): a cadre's name links to the profile. */
var dagcomponentfuncs = (window.dashAgGridComponentFunctions = window.dashAgGridComponentFunctions || {});

dagcomponentfuncs.CaCadreLink = function (props) {
  if (!props.data || !props.data.code) {
    return props.value;
  }
  return React.createElement(
    "a",
    { href: "/cadres/profile?code=" + encodeURIComponent(props.data.code), className: "ca-cadre-link" },
    props.value
  );
};

/* A personnel decision's number opens its page (decision list, linkage dashboard). */
dagcomponentfuncs.CaDecisionLink = function (props) {
  if (!props.data || !props.data.id) {
    return props.value;
  }
  return React.createElement(
    "a",
    { href: "/decisions/view?id=" + encodeURIComponent(props.data.id), className: "ca-dc-link" },
    props.value
  );
};
