/* Cell renderer of the linkage dashboard's grid: a decision's number links to its page. */
var dagcomponentfuncs = (window.dashAgGridComponentFunctions = window.dashAgGridComponentFunctions || {});

dagcomponentfuncs.CaLkDecisionLink = function (props) {
  if (!props.data || !props.data.id) {
    return props.value;
  }
  return React.createElement(
    "a",
    { href: "/decisions/view?id=" + encodeURIComponent(props.data.id), className: "ca-lk-decision-link" },
    props.value
  );
};
